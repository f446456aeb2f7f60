package io.fulcrum.proxy.http2;

import io.fulcrum.core.config.Http2Config;
import io.fulcrum.proxy.http.AbandonedStreamLog;
import io.fulcrum.proxy.http.BackendConnectionPool;
import io.fulcrum.proxy.http.HttpProxyHandler;
import io.fulcrum.proxy.http.ListenerSlot;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;

/**
 * Builds the HTTP/2 side of a client connection: the frame codec with the listener's
 * limits, the multiplexer that makes each stream a child channel, and per stream the
 * frame-to-HTTP conversion in front of the shared request handling.
 */
public final class Http2Pipelines {

    /** Pipeline names of the connection-level HTTP/2 handlers. */
    static final String CODEC = "h2-codec";
    static final String MUX = "h2-mux";
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

    /** The frame codec of a server-side connection, with the listener's HTTP/2 limits. */
    static Http2FrameCodec serverCodec(Http2Config cfg) {
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(cfg.maxConcurrentStreams())
                .maxHeaderListSize(cfg.maxHeaderListBytes())
                .initialWindowSize(cfg.initialWindowBytes());
        // Graceful close (GOAWAY) waits for the streams in flight; the proxy's own shutdown grace bounds it.
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(settings)
                .gracefulShutdownTimeoutMillis(-1)
                .validateHeaders(true)
                .build();
    }

    /**
     * Appends the HTTP/2 handlers to a connection that has just chosen HTTP/2 (after ALPN or
     * the prior-knowledge preface); the connection is counted against the listener's limit here.
     */
    public static void installServer(ChannelPipeline p, ListenerSlot slot, BackendConnectionPool backendPool) {
        Http2ConnectionGuard guard = new Http2ConnectionGuard(slot, new AbandonedStreamLog(slot));
        p.addLast(CODEC, serverCodec(slot.runtime().config().http2()));
        p.addLast(MUX, new Http2MultiplexHandler(streamInitializer(slot, backendPool, guard)));
        p.addLast(GUARD, guard);
    }

    /** The handlers an h2c upgrade appends after the codec it receives (multiplexer and guard). */
    static ChannelHandler[] upgradeHandlers(ListenerSlot slot, BackendConnectionPool backendPool) {
        Http2ConnectionGuard guard = new Http2ConnectionGuard(slot, new AbandonedStreamLog(slot));
        return new ChannelHandler[] {new Http2MultiplexHandler(streamInitializer(slot, backendPool, guard)), guard};
    }

    private static ChannelHandler streamInitializer(ListenerSlot slot, BackendConnectionPool backendPool,
                                                    Http2ConnectionGuard guard) {
        return new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                guard.streamOpened(stream);
                ChannelPipeline sp = stream.pipeline();
                sp.addLast("h2-http", new Http2StreamFrameToHttpObjectCodec(true));
                sp.addLast("h2-adapter", new Http2StreamAdapter());
                HttpProxyHandler.installOnStream(stream, slot, backendPool, guard.abandonedStreamLog());
            }
        };
    }

    /** Whether a channel is one HTTP/2 stream (a child of a client connection). */
    public static boolean isStream(Channel ch) {
        return ch instanceof Http2StreamChannel;
    }
}
