package io.fulcrum.proxy.http2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits between a stream's frame-to-HTTP codec and the shared request handling, and
 * gives each side the shapes it expects.
 *
 * <p>Inbound: a request that ended with its HEADERS frame arrives as one full message;
 * the request handling (like the HTTP/1.1 decoder) expects a head and then the end of
 * the body, so it is split. Netty's extension headers ({@code x-http2-*}) are removed so
 * they never reach a backend, and the version becomes {@code HTTP/2.0} so that the access
 * log and {@code Via} say what the client spoke. A {@code :scheme} other than http or https
 * marks the request failed, so it is answered 400 like a malformed HTTP/1.1 request.
 *
 * <p>Outbound: an interim response (103...) relayed from a backend is made a full message
 * and the empty end marker after it dropped, as HTTP/2 sends it as one HEADERS frame; the
 * empty buffer the handler writes before closing a connection has no meaning on a stream.
 */
final class Http2StreamAdapter extends ChannelDuplexHandler {

    /** The version shown for requests that arrived over HTTP/2. */
    static final HttpVersion HTTP_2 = new HttpVersion("HTTP", 2, 0, true);

    private static final CharSequence[] EXTENSION_HEADERS = {
            ExtensionHeaderNames.STREAM_ID.text(), ExtensionHeaderNames.SCHEME.text(),
            ExtensionHeaderNames.PATH.text(), ExtensionHeaderNames.STREAM_PROMISE_ID.text(),
            ExtensionHeaderNames.STREAM_DEPENDENCY_ID.text(), ExtensionHeaderNames.STREAM_WEIGHT.text(),
            ExtensionHeaderNames.PROTOCOL.text()};

    private boolean dropInterimEnd;
    /** The write of the response's end of stream (its last DATA may wait for the client's window), or null. */
    private ChannelFuture responseEnd;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpRequest req)) {
            ctx.fireChannelRead(msg);
            return;
        }
        HttpHeaders h = req.headers();
        // RFC 9113 section 8.3.1: a proxy serves http and https; any other :scheme is not a request for it.
        String scheme = h.get(ExtensionHeaderNames.SCHEME.text());
        DecoderResult badScheme = scheme == null || scheme.equals("http") || scheme.equals("https") ? null
                : DecoderResult.failure(new IllegalArgumentException(":scheme " + scheme));
        for (CharSequence name : EXTENSION_HEADERS) {
            h.remove(name);
        }
        if (msg instanceof FullHttpRequest full) {
            ByteBuf body = full.content();
            if (body.isReadable() && !HttpUtil.isContentLengthSet(full)) {
                // Only an h2c upgrade request carries a body in one message; it was read whole.
                h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            }
            HttpRequest head = new DefaultHttpRequest(HTTP_2, full.method(), full.uri(), h);
            if (badScheme != null) {
                head.setDecoderResult(badScheme);
            }
            LastHttpContent end = new DefaultLastHttpContent(body, full.trailingHeaders());
            ctx.fireChannelRead(head);
            ctx.fireChannelRead(end);
            return;
        }
        req.setProtocolVersion(HTTP_2);
        if (badScheme != null) {
            req.setDecoderResult(badScheme);
        }
        ctx.fireChannelRead(req);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf b && !b.isReadable()) {
            b.release();
            promise.trySuccess();
            return;
        }
        if (msg instanceof HttpResponse r && !(msg instanceof FullHttpResponse)
                && r.status().codeClass() == HttpStatusClass.INFORMATIONAL && r.status().code() != 101) {
            dropInterimEnd = true;
            ctx.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status(), Unpooled.EMPTY_BUFFER,
                    r.headers(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE), promise);
            return;
        }
        if (dropInterimEnd && msg instanceof LastHttpContent) {
            dropInterimEnd = false;
            ReferenceCountUtil.release(msg);
            promise.trySuccess();
            return;
        }
        if (msg instanceof LastHttpContent && !(msg instanceof HttpResponse interim
                && interim.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
            ChannelPromise p = promise.isVoid() ? ctx.newPromise() : promise;
            responseEnd = p;
            ctx.write(msg, p);
            return;
        }
        ctx.write(msg, promise);
    }

    /**
     * Resuming a paused stream (reading on again) writes the WINDOW_UPDATE for what it consumed
     * meanwhile, but Netty's stream channel does not always flush it (when a read was already
     * pending); with both sides waiting, nothing else would. Flushing here releases the client.
     */
    @Override
    public void read(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.flush();
    }

    /**
     * Closing a stream whose response is complete while the request is still arriving (an early
     * answer, a refusal): RST_STREAM with NO_ERROR tells the client to stop sending without
     * failing the response it already has (RFC 9113 section 8.1); a plain close would say CANCEL.
     */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        ChannelFuture end = responseEnd;
        if (end == null || !ctx.channel().isActive()) {
            ctx.close(promise);
            return;
        }
        responseEnd = null;
        ctx.flush();
        // The reset overtakes DATA still queued for flow control, so it waits for the end of the response.
        end.addListener(f -> {
            if (f.isSuccess() && ctx.channel().isActive()) {
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
            }
            ctx.close(promise);
        });
    }
}
