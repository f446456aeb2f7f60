package io.fulcrum.proxy.http2;

import io.fulcrum.proxy.http.BackendConnectionPool;
import io.fulcrum.proxy.http.HttpProxyHandler;
import io.fulcrum.proxy.http.ListenerSlot;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * Waits for the TLS handshake of a listener that offers h2 and installs the pipeline of
 * the protocol the client chose through ALPN: HTTP/2 for {@code h2}, HTTP/1.1 otherwise
 * (including clients that sent no ALPN). A failed handshake is closed by the TLS
 * pipeline's own failure handler before this sees it.
 */
final class AlpnSwitch extends ChannelInboundHandlerAdapter {

    private final ListenerSlot slot;
    private final BackendConnectionPool backendPool;

    AlpnSwitch(ListenerSlot slot, BackendConnectionPool backendPool) {
        this.slot = slot;
        this.backendPool = backendPool;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Held back: the pipeline chosen after the handshake gets its own channelActive.
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            String chosen = ssl == null ? null : ssl.applicationProtocol();
            if (ApplicationProtocolNames.HTTP_2.equals(chosen)) {
                Http2Pipelines.installServer(ctx.pipeline(), slot, backendPool);
            } else {
                HttpProxyHandler.install(ctx.channel(), slot, backendPool);
                ctx.fireChannelActive();
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(evt);
    }
}
