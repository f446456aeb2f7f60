package io.fulcrum.proxy.http2;

import io.fulcrum.proxy.http.ClientStream;
import io.fulcrum.proxy.http.HttpProxyHandler;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * One stream of an {@link Http2ClientConnection}: its request handler's view of the stream
 * ({@link ClientStream}), turning the response's HTTP objects into HEADERS and DATA frames
 * written through the connection's encoder (whose flow controller queues what the client's
 * windows do not admit yet), and holding back the request body bytes the backend has not
 * taken so that the client's window for this stream stays closed meanwhile.
 */
final class RequestStream implements ClientStream {

    private final Http2ClientConnection connection;
    private final Http2Stream stream;
    private final int id;
    HttpProxyHandler handler;

    /** Linked list of the streams read in the connection's current read batch. */
    RequestStream nextInBatch;
    boolean inBatch;

    /** The request body is not being consumed (its backend is not taking more). */
    boolean paused;
    /** Request body bytes received while paused, given back to the client's windows on resume. */
    int unconsumed;
    /** Closed by both ends, or reset: nothing more is written or delivered. */
    boolean closed;
    /** The frame that ends the response (END_STREAM) has been written. */
    private boolean responseEnded;
    /** Reset with NO_ERROR as soon as the response's end leaves (it waits for the client's window). */
    boolean resetAfterEnd;
    /** An interim response was written; the empty end the handler sends after it is no frame. */
    private boolean dropInterimEnd;

    RequestStream(Http2ClientConnection connection, Http2Stream stream) {
        this.connection = connection;
        this.stream = stream;
        this.id = stream.id();
    }

    /** Hands one part of the request to the handler, which is told at the end of the read batch. */
    void deliver(Object msg) {
        connection.readInBatch(this);
        handler.streamRead(msg);
    }

    /** A HEADERS frame after the request head: its trailers, which must end the stream. */
    void trailers(Http2Headers headers, boolean endOfStream) throws Http2Exception {
        if (!endOfStream) {
            throw Http2Exception.streamError(id, Http2Error.PROTOCOL_ERROR,
                    "stream %d: a second HEADERS frame without END_STREAM", id);
        }
        LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, true);
        HttpConversionUtil.addHttp2ToHttpHeaders(id, headers, last.trailingHeaders(), HttpVersion.HTTP_1_1,
                true, true);
        deliver(last);
    }

    // ---- ClientStream ---------------------------------------------------------------------------

    @Override
    public void write(HttpObject msg) {
        if (closed || responseEnded) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse r) {
            writeHead(r);
        } else if (msg instanceof LastHttpContent last) {
            if (dropInterimEnd) {
                dropInterimEnd = false;
                last.release();
            } else {
                writeEnd(last);
            }
        } else if (msg instanceof HttpContent part) {
            encoder().writeData(ctx(), id, part.content(), 0, false, ctx().voidPromise());
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void writeHead(HttpResponse r) {
        Http2Headers headers = HttpConversionUtil.toHttp2Headers(r, true);
        int code = r.status().code();
        if (code < 200) {
            // 100 (Fulcrum's own, a full message) or a relayed 103: one HEADERS frame, the stream stays open.
            encoder().writeHeaders(ctx(), id, headers, 0, false, ctx().voidPromise());
            if (!(r instanceof FullHttpResponse)) {
                dropInterimEnd = true;
            }
            ReferenceCountUtil.release(r);
            return;
        }
        if (r instanceof FullHttpResponse full) {
            boolean bodyless = !full.content().isReadable() && full.trailingHeaders().isEmpty();
            encoder().writeHeaders(ctx(), id, headers, 0, bodyless, ctx().voidPromise());
            if (bodyless) {
                responseEnded = true;
                full.release();
            } else {
                writeEnd(full);
            }
            return;
        }
        encoder().writeHeaders(ctx(), id, headers, 0, false, ctx().voidPromise());
    }

    /** The last part of the response: its body bytes, then its trailers when it has some; ends the stream. */
    private void writeEnd(LastHttpContent last) {
        responseEnded = true;
        HttpHeaders trailers = last.trailingHeaders();
        if (trailers.isEmpty()) {
            encoder().writeData(ctx(), id, last.content(), 0, true, ctx().voidPromise());
            return;
        }
        if (last.content().isReadable()) {
            encoder().writeData(ctx(), id, last.content(), 0, false, ctx().voidPromise());
        } else {
            last.content().release();
        }
        encoder().writeHeaders(ctx(), id, HttpConversionUtil.toHttp2Headers(trailers, true), 0, true,
                ctx().voidPromise());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (!responseEnded) {
            reset(Http2Error.CANCEL);
            return;
        }
        switch (stream.state()) {
            // The end went out while the request body is still arriving: tell the client to stop sending
            // without failing the response it has (RFC 9113 section 8.1); a plain abort would say CANCEL.
            case HALF_CLOSED_LOCAL -> reset(Http2Error.NO_ERROR);
            // The end still waits in the flow controller for the client's window.
            case OPEN -> resetAfterEnd = true;
            // Both sides done, or the request was complete: the stream closes once its end is written.
            default -> {
            }
        }
    }

    void reset(Http2Error error) {
        if (closed) {
            return;
        }
        ChannelHandlerContext ctx = ctx();
        connection.resetStream(ctx, id, error.code(), ctx.newPromise());
        ctx.channel().flush();
    }

    @Override
    public void setReading(boolean on) {
        if (!on) {
            paused = true;
            return;
        }
        if (!paused) {
            return;
        }
        paused = false;
        int n = unconsumed;
        unconsumed = 0;
        if (n > 0 && !closed) {
            try {
                if (connection.decoder().flowController().consumeBytes(stream, n)) {
                    ctx().channel().flush(); // the WINDOW_UPDATE that lets the client send again
                }
            } catch (Http2Exception e) {
                connection.onError(ctx(), false, e);
            }
        }
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public boolean isWritable() {
        return !closed && encoder().flowController().isWritable(stream);
    }

    private Http2ConnectionEncoder encoder() {
        return connection.encoder();
    }

    private ChannelHandlerContext ctx() {
        return connection.context();
    }
}
