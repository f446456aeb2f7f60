package io.fulcrum.proxy.http2;

import io.fulcrum.proxy.http.BackendConnectionPool;
import io.fulcrum.proxy.http.ListenerSlot;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.util.AsciiString;

/**
 * {@code Upgrade: h2c} on the first request of a plain HTTP/1.1 connection (RFC 7540
 * section 3.2, as curl {@code --http2} does on {@code http://}): the connection answers
 * 101, drops its HTTP/1.1 handlers and continues as HTTP/2; the upgrade request itself is
 * served as stream 1. Any other request (including WebSocket and other upgrades) passes
 * untouched, and the handler leaves the pipeline after the first request, so keep-alive
 * HTTP/1.1 traffic does not pay for it afterwards.
 */
final class H2cUpgrade {

    /** Largest body of an upgrade request (it is read whole before switching). */
    static final int MAX_UPGRADE_BODY = 64 * 1024;
    private static final String NAME = "h2c-upgrade";

    private H2cUpgrade() {
    }

    /** Adds the upgrade handler between the HTTP/1.1 codec and the request handling. */
    static void install(ChannelPipeline p, ListenerSlot slot, BackendConnectionPool backendPool) {
        HttpServerUpgradeHandler.SourceCodec source = H2cUpgrade::removeHttp1;
        HttpServerUpgradeHandler.UpgradeCodecFactory factory = protocol ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                        ? Http2Pipelines.upgradeCodec(slot, backendPool)
                        : null;
        p.addBefore("proxy", NAME, new HttpServerUpgradeHandler(source, factory, MAX_UPGRADE_BODY, true) {
            @Override
            protected boolean shouldHandleUpgradeRequest(HttpRequest req) {
                String upgrade = req.headers().get(HttpHeaderNames.UPGRADE);
                return upgrade != null && upgrade.toLowerCase(java.util.Locale.ROOT).contains("h2c");
            }
        });
    }

    /**
     * Removes the HTTP/1.1 handlers once the 101 is on its way. The request handler leaves
     * the connection count to the HTTP/2 guard that replaces it.
     */
    private static void removeHttp1(ChannelHandlerContext ctx) {
        ChannelPipeline p = ctx.pipeline();
        p.remove("proxy");
        p.remove("marker");
        p.remove("codec");
    }
}
