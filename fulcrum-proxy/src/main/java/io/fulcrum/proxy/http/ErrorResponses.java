package io.fulcrum.proxy.http;

import io.fulcrum.proxy.runtime.ErrorPages;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * The responses Fulcrum itself produces (400, 404, 502, 503, 504, ...): the listener's own page
 * for the status when it has one, else a short plain-text body naming the status only. What went
 * wrong (a backend's address, a socket error) is for the access log, never for the client.
 */
final class ErrorResponses {

    private ErrorResponses() {
    }

    static FullHttpResponse of(HttpResponseStatus status, ErrorPages pages, boolean close) {
        ErrorPages.Page page = pages.forStatus(status.code());
        byte[] body;
        CharSequence type;
        if (page != null) {
            body = page.body();
            type = page.contentType();
        } else {
            body = (status.code() + " " + status.reasonPhrase() + "\n").getBytes(StandardCharsets.UTF_8);
            type = HttpHeaderValues.TEXT_PLAIN;
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        if (close) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return r;
    }
}
