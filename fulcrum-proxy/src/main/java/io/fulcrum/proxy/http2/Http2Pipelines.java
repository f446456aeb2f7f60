package io.fulcrum.proxy.http2;

import io.fulcrum.proxy.http.AbandonedStreamLog;
import io.fulcrum.proxy.http.BackendConnectionPool;
import io.fulcrum.proxy.http.HttpProxyHandler;
import io.fulcrum.proxy.http.ListenerSlot;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;

/**
 * Builds the HTTP/2 side of a client connection: the connection handler that serves its
 * streams ({@link Http2ClientConnection}, no channel per stream) and the guard of its
 * connection-level duties ({@link Http2ConnectionGuard}).
 */
public final class Http2Pipelines {

    /** Pipeline names of the connection-level HTTP/2 handlers. */
    static final String CODEC = "h2-codec";
    static final String GUARD = "h2-guard";

    private Http2Pipelines() {
    }

    /**
     * Installs the client side of a new connection after its TLS handlers (if any): the
     * HTTP/1.1 pipeline directly, or the handler that chooses between HTTP/1.1 and HTTP/2
     * when the listener offers h2 through ALPN or accepts h2c.
     */
    public static void installClient(Channel ch, ListenerSlot slot, BackendConnectionPool backendPool) {
        var lr = slot.runtime();
        if (lr.tls() != null) {
            if (lr.config().tls().alpn().contains(ApplicationProtocolNames.HTTP_2)) {
                ch.pipeline().addLast("alpn", new AlpnSwitch(slot, backendPool));
                return;
            }
        } else if (lr.config().http2().cleartext()) {
            ch.pipeline().addLast("h2c-detect", new CleartextDetector(slot, backendPool));
            return;
        }
        HttpProxyHandler.install(ch, slot, backendPool);
    }

    /**
     * Appends the HTTP/2 handlers to a connection that has just chosen HTTP/2 (after ALPN or
     * the prior-knowledge preface); the connection is counted against the listener's limit here.
     */
    public static void installServer(ChannelPipeline p, ListenerSlot slot, BackendConnectionPool backendPool) {
        Http2ConnectionGuard guard = new Http2ConnectionGuard(slot, new AbandonedStreamLog(slot));
        p.addLast(CODEC, Http2ClientConnection.create(slot, backendPool, guard));
        p.addLast(GUARD, guard);
    }

    /** The upgrade codec of an h2c upgrade: the connection handler and, after it, the guard. */
    static Http2ServerUpgradeCodec upgradeCodec(ListenerSlot slot, BackendConnectionPool backendPool) {
        Http2ConnectionGuard guard = new Http2ConnectionGuard(slot, new AbandonedStreamLog(slot));
        return new Http2ServerUpgradeCodec(CODEC, Http2ClientConnection.create(slot, backendPool, guard), guard);
    }
}
