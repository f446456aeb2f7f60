package io.fulcrum.proxy.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * {@code Expect: 100-continue} (RFC 9110 section 10.1.1), answered by the proxy itself: a
 * client that asks is told to send its body once its request has a backend (a request that
 * ends in a 503 then never uploads), the header is not passed on, and the backend's own
 * {@code 100} is dropped (the client had the proxy's). Any other expectation, or one from an
 * HTTP/1.0 client (which knows no 1xx), is refused with 417.
 *
 * <p>The only per-request state, whether the 100 is still owed, is a flag of the request
 * ({@link Exchange}).
 */
final class ExpectContinue {

    /** No Expect header. */
    static final int NONE = 0;
    /** A 100 is owed once the request has a backend. */
    static final int CONTINUE = 1;
    /** An expectation the proxy does not meet: answered 417. */
    static final int REFUSE = 2;

    private ExpectContinue() {
    }

    /**
     * What to do about a request's Expect header.
     *
     * @param expect the header's value, or null when absent
     * @param http10 the request is HTTP/1.0
     */
    static int of(String expect, boolean http10) {
        if (expect == null) {
            return NONE;
        }
        return !http10 && HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect) ? CONTINUE : REFUSE;
    }

    /** Tells the client to send its body now: writes and flushes {@code 100 Continue}. */
    static void send(ChannelHandlerContext client) {
        client.writeAndFlush(response(), client.voidPromise());
    }

    /** A fresh {@code 100 Continue}. */
    static DefaultFullHttpResponse response() {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER);
    }

    /** Whether an interim response from the backend goes on to the client: all but its 100. */
    static boolean forwards(int interimStatus) {
        return interimStatus != HttpResponseStatus.CONTINUE.code();
    }
}
