package io.fulcrum.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpRequestEncoder;

/**
 * Netty's request encoder for backend connections, except that bytes pass untouched: a
 * bodiless request's head is written ready-made ({@link RequestHeadWriter}).
 */
final class Http1ClientEncoder extends HttpRequestEncoder {

    @Override
    public boolean acceptOutboundMessage(Object msg) throws Exception {
        return !(msg instanceof ByteBuf) && super.acceptOutboundMessage(msg);
    }
}
