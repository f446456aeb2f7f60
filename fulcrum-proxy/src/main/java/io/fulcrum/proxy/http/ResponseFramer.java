package io.fulcrum.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ByteProcessor;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Splits what an HTTP/1.x backend sends into responses: a {@link ResponseHead} (the head's
 * bytes plus the facts the proxy needs, not a decoded header map), then the body as
 * {@code HttpContent} parts (de-chunked) ending with a {@code LastHttpContent} (with the
 * trailers of a chunked body) &mdash; except when the head carries the whole body itself
 * ({@link ResponseHead#body}: no body, or a small one that was read with the head). It
 * replaces Netty's response decoder on backend connections: a head is scanned once and
 * forwarded as bytes instead of being decoded into a header map and encoded again (see
 * docs/design/http-raw-head.md).
 *
 * <p>Body framing follows RFC 9112 section 6.3: no body for a HEAD request, 1xx, 204 and
 * 304; chunked when the final transfer coding is chunked; until the connection closes for
 * any other transfer coding or without Content-Length; else Content-Length bytes. A 101
 * ends HTTP on the connection: what follows is passed on as raw bytes. A malformed head is
 * reported as an invalid {@link ResponseHead}, a malformed body as a failed
 * {@code LastHttpContent}; nothing further is read from the connection after either.
 *
 * <p>A byte that arrives when no response is due (between a complete response and the next
 * request) closes the connection, and a connection with bytes left after a complete response
 * is not pooled ({@link #hasUnreadBytes}): those bytes would otherwise answer the next request.
 */
final class ResponseFramer extends ByteToMessageDecoder {

    /** Largest response head (status line and header section). */
    static final int MAX_HEAD_BYTES = 8192 + 65536;
    private static final int MAX_CHUNK_LINE = 8192;
    private static final int MAX_PART = 65536;
    /** A body up to this size that arrived with its head is copied into the head's message. */
    private static final int SMALL_BODY = 4096;
    private static final byte[] NO_BYTES = new byte[0];

    /**
     * IDLE: no request is waiting for its response (before the first request, and after each
     * complete response): any byte then is the backend breaking the protocol.
     */
    private enum State { IDLE, HEAD, FIXED, UNTIL_CLOSE, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UPGRADED, FAILED }

    private final BackendConnection conn;
    private State state = State.IDLE;
    private final HeadEndFinder headEnd = new HeadEndFinder();
    /** Bytes of the current head already searched for its end (a head split across reads). */
    private int scanned;
    private long remaining;
    private int trailerBytes;
    private LastHttpContent trailers;

    ResponseFramer(BackendConnection conn) {
        this.conn = conn;
        conn.framer = this;
    }

    /** Final responses still due: requests sent and not yet answered (Fulcrum sends one at a time). */
    private int awaited;

    /** A request has been sent on the connection: its response may come. */
    void expectResponse() {
        awaited++;
        if (state == State.IDLE) {
            state = State.HEAD;
        }
    }

    /** A final response is complete: the next one is due only if another request was sent. */
    private void responseDone() {
        awaited--;
        state = awaited > 0 ? State.HEAD : State.IDLE;
    }

    /**
     * Whether bytes beyond the complete response just delivered are already buffered (a body
     * to a HEAD, a second response nobody asked for): the connection cannot serve another
     * request, as those bytes would be taken for its response.
     */
    boolean hasUnreadBytes() {
        return internalBuffer().isReadable();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case IDLE -> unexpected(ctx, in);
            case HEAD -> head(in, out);
            case FIXED -> fixed(in, out);
            case UNTIL_CLOSE -> out.add(new DefaultHttpContent(in.readRetainedSlice(in.readableBytes())));
            case CHUNK_SIZE -> chunkSize(in, out);
            case CHUNK_DATA -> chunkData(in, out);
            case CHUNK_END -> chunkEnd(in, out);
            case TRAILERS -> trailers(in, out);
            case UPGRADED -> out.add(in.readRetainedSlice(in.readableBytes()));
            case FAILED -> in.skipBytes(in.readableBytes());
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (in.isReadable()) {
            decode(ctx, in, out);
        }
        if (state == State.UNTIL_CLOSE) {
            responseDone();
            out.add(LastHttpContent.EMPTY_LAST_CONTENT); // the close ends the body
        }
    }

    private void head(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int readable = in.readableBytes();
        int lf = in.forEachByte(start + scanned, readable - scanned, headEnd);
        if (lf < 0) {
            scanned = readable; // the finder keeps its place for the next read
            if (readable > MAX_HEAD_BYTES) {
                fail(in, out, "response head larger than " + MAX_HEAD_BYTES + " bytes");
            }
            return;
        }
        scanned = 0;
        headEnd.reset();
        int length = lf + 1 - start;
        if (length > MAX_HEAD_BYTES) {
            fail(in, out, "response head larger than " + MAX_HEAD_BYTES + " bytes");
            return;
        }
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        ResponseHead h = ResponseHead.parse(bytes, length);
        if (h.invalid != null) {
            fail(in, out, h.invalid);
            return;
        }
        out.add(h);
        int status = h.status;
        if (status == 101) {
            // The tunnel that takes over removes this handler, which hands it the bytes left unread.
            state = State.UPGRADED;
        } else if (status < 200) {
            out.add(LastHttpContent.EMPTY_LAST_CONTENT); // interim: the final response follows
        } else if (conn.headRequest || status == 204 || status == 304) {
            h.body = NO_BYTES;
            responseDone();
        } else if (h.transferEncoding) {
            state = h.chunked ? State.CHUNK_SIZE : State.UNTIL_CLOSE;
        } else if (h.contentLength > 0) {
            if (h.contentLength <= SMALL_BODY && in.readableBytes() >= h.contentLength) {
                // The common small response read whole: one message, and one buffer to the client.
                byte[] body = new byte[(int) h.contentLength];
                in.readBytes(body);
                h.body = body;
                responseDone();
            } else {
                remaining = h.contentLength;
                state = State.FIXED;
            }
        } else if (h.contentLength == 0) {
            h.body = NO_BYTES;
            responseDone();
        } else {
            state = State.UNTIL_CLOSE;
        }
    }

    /**
     * Finds the empty line that ends a head (LF LF or LF CR LF) in one pass over the buffer
     * ({@code forEachByte} checks the buffer once, not per byte); keeps its place across reads.
     */
    private static final class HeadEndFinder implements ByteProcessor {

        private static final int AFTER_LF = 0;
        private static final int AFTER_LF_CR = 1;
        private static final int IN_LINE = 2;
        private int state = IN_LINE;

        @Override
        public boolean process(byte b) {
            if (b == '\n') {
                if (state != IN_LINE) {
                    return false; // the LF of the empty line
                }
                state = AFTER_LF;
            } else {
                state = b == '\r' && state == AFTER_LF ? AFTER_LF_CR : IN_LINE;
            }
            return true;
        }

        void reset() {
            state = IN_LINE;
        }
    }

    private void fixed(ByteBuf in, List<Object> out) {
        int n = (int) Math.min(Math.min(remaining, in.readableBytes()), MAX_PART);
        if (n == 0) {
            return;
        }
        ByteBuf part = in.readRetainedSlice(n);
        remaining -= n;
        if (remaining == 0) {
            responseDone();
            out.add(new DefaultLastHttpContent(part));
        } else {
            out.add(new DefaultHttpContent(part));
        }
    }

    private void chunkSize(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() > MAX_CHUNK_LINE) {
                fail(in, out, "chunk size line too long");
            }
            return;
        }
        long size = 0;
        int digits = 0;
        int i = start;
        for (; i < lf; i++) {
            int c = in.getByte(i);
            int d = Character.digit(c, 16);
            if (d < 0) {
                break;
            }
            if (++digits > 15) {
                fail(in, out, "chunk size too large");
                return;
            }
            size = size * 16 + d;
        }
        if (digits == 0 || !chunkLineRest(in, i, lf)) {
            fail(in, out, "bad chunk size line");
            return;
        }
        in.readerIndex(lf + 1);
        if (size == 0) {
            state = State.TRAILERS;
            trailerBytes = 0;
            trailers = null;
            trailers(in, out);
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
            chunkData(in, out);
        }
    }

    /**
     * Whether what follows a chunk size up to the line's LF at {@code lf} is well-formed
     * (RFC 9112 section 7.1.1): optional white space, extensions {@code ;name[=token|"quoted"]},
     * and CR right before the LF. A bare LF, a control byte or a stray character anywhere would
     * let another parser find the chunk's data elsewhere.
     */
    private static boolean chunkLineRest(ByteBuf in, int from, int lf) {
        int end = lf - 1;
        if (end < from || in.getByte(end) != '\r') {
            return false;
        }
        int j = skipOws(in, from, end);
        while (j < end) {
            if (in.getByte(j) != ';') {
                return false;
            }
            j = skipOws(in, j + 1, end);
            int name = j;
            j = skipToken(in, j, end);
            if (j == name) {
                return false;
            }
            j = skipOws(in, j, end);
            if (j < end && in.getByte(j) == '=') {
                j = skipOws(in, j + 1, end);
                if (j < end && in.getByte(j) == '"') {
                    j = skipQuoted(in, j + 1, end);
                    if (j < 0) {
                        return false;
                    }
                } else {
                    int value = j;
                    j = skipToken(in, j, end);
                    if (j == value) {
                        return false;
                    }
                }
                j = skipOws(in, j, end);
            }
        }
        return true;
    }

    private static int skipOws(ByteBuf in, int j, int end) {
        while (j < end && (in.getByte(j) == ' ' || in.getByte(j) == '\t')) {
            j++;
        }
        return j;
    }

    private static int skipToken(ByteBuf in, int j, int end) {
        while (j < end && ResponseHead.isTokenByte(in.getByte(j))) {
            j++;
        }
        return j;
    }

    /** The index after the closing quote of a quoted-string whose content starts at {@code j}; -1 if bad. */
    private static int skipQuoted(ByteBuf in, int j, int end) {
        while (j < end) {
            byte c = in.getByte(j);
            if (c == '"') {
                return j + 1;
            }
            if (c == '\\') {
                j++;
                if (j == end) {
                    return -1;
                }
                c = in.getByte(j);
            }
            if (c >= 0 && c < 0x20 && c != '\t' || c == 0x7f) {
                return -1;
            }
            j++;
        }
        return -1;
    }

    private void chunkData(ByteBuf in, List<Object> out) {
        int n = (int) Math.min(Math.min(remaining, in.readableBytes()), MAX_PART);
        if (n > 0) {
            out.add(new DefaultHttpContent(in.readRetainedSlice(n)));
            remaining -= n;
        }
        if (remaining == 0) {
            state = State.CHUNK_END;
            chunkEnd(in, out);
        }
    }

    private void chunkEnd(ByteBuf in, List<Object> out) {
        int r = in.readableBytes();
        if (r == 0) {
            return;
        }
        int i = in.readerIndex();
        byte c = in.getByte(i);
        if (c == '\r') {
            if (r < 2) {
                return;
            }
            if (in.getByte(i + 1) != '\n') {
                fail(in, out, "chunk not followed by CRLF");
                return;
            }
            in.skipBytes(2);
        } else {
            fail(in, out, "chunk not followed by CRLF");
            return;
        }
        state = State.CHUNK_SIZE;
    }

    private void trailers(ByteBuf in, List<Object> out) {
        while (true) {
            int start = in.readerIndex();
            int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
            if (lf < 0) {
                if (trailerBytes + in.readableBytes() > MAX_HEAD_BYTES) {
                    fail(in, out, "trailer section too large");
                }
                return;
            }
            int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
            trailerBytes += lf + 1 - start;
            if (trailerBytes > MAX_HEAD_BYTES) {
                fail(in, out, "trailer section too large");
                return;
            }
            in.readerIndex(lf + 1);
            if (end == start) {
                responseDone();
                LastHttpContent last = trailers == null ? LastHttpContent.EMPTY_LAST_CONTENT : trailers;
                trailers = null;
                out.add(last);
                return;
            }
            String line = in.toString(start, end - start, StandardCharsets.ISO_8859_1);
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t'
                    || Character.isWhitespace(line.charAt(colon - 1))) {
                fail(in, out, "bad trailer line");
                return;
            }
            if (trailers == null) {
                trailers = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER); // nothing to release if abandoned
            }
            HttpHeaders t = trailers.trailingHeaders();
            try {
                t.add(line.substring(0, colon), line.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                trailers = null;
                fail(in, out, "bad trailer line");
                return;
            }
        }
    }

    /** Bytes while no response is due: the connection is closed (it is never handed out again). */
    private void unexpected(ChannelHandlerContext ctx, ByteBuf in) {
        state = State.FAILED;
        in.skipBytes(in.readableBytes());
        ctx.close();
    }

    /** Reports a malformed response and reads nothing more from this connection. */
    private void fail(ByteBuf in, List<Object> out, String why) {
        boolean inHead = state == State.HEAD;
        state = State.FAILED;
        in.skipBytes(in.readableBytes());
        if (inHead) {
            out.add(ResponseHead.invalid(why));
        } else {
            DefaultLastHttpContent failed = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
            failed.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(why)));
            out.add(failed);
        }
    }
}
