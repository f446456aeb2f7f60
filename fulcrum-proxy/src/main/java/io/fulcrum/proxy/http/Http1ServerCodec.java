package io.fulcrum.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;

/**
 * The client side of an HTTP/1.x connection: Netty's request decoder, and a response
 * encoder that lets ready-made bytes through untouched. Responses relayed from an
 * HTTP/1.x backend are written as bytes (their head copied from the backend's, see
 * {@link ResponseHead}); Fulcrum's own responses are still {@code HttpResponse}s.
 *
 * <p>Unlike Netty's {@code HttpServerCodec}, it keeps no queue of request methods (which
 * bytes written past the encoder would leave out of step): whether the response being
 * encoded answers a HEAD request is said by {@link #answeringHead}, which the request
 * handler sets for each request (one response is written at a time).
 */
final class Http1ServerCodec extends CombinedChannelDuplexHandler<HttpRequestDecoder, HttpResponseEncoder> {

    /** Whether the request now being answered is a HEAD request (its response has no body). */
    boolean answeringHead;

    Http1ServerCodec(HttpDecoderConfig config) {
        init(new HttpRequestDecoder(config), new Encoder());
    }

    private final class Encoder extends HttpResponseEncoder {

        @Override
        public boolean acceptOutboundMessage(Object msg) throws Exception {
            // Bytes are whole responses (or parts of one) already encoded.
            return !(msg instanceof ByteBuf) && super.acceptOutboundMessage(msg);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                return super.isContentAlwaysEmpty(msg);
            }
            return answeringHead || super.isContentAlwaysEmpty(msg);
        }
    }
}
