package io.fulcrum.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits before the HTTP decoder and tells the proxy handler that bytes arrived,
 * so the header-read timeout runs from the first byte of a request rather than
 * from the end of the previous response.
 */
final class ClientReadMarker extends ChannelInboundHandlerAdapter {

    private final HttpProxyHandler handler;

    ClientReadMarker(HttpProxyHandler handler) {
        this.handler = handler;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        handler.bytesArrived();
        ctx.fireChannelRead(msg);
    }
}
