package io.fulcrum.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * How a relayed response is framed towards an HTTP/1.x client (RFC 9112 section 6): decided
 * once per response by {@link #decide}, then applied by whichever path writes the head — the
 * raw one (the backend's header lines as bytes) or the decoded one (an {@code HttpResponse}).
 * Also writes the chunk framing of a body the proxy re-chunks on the raw path. (The backend
 * side, finding where a response ends, is {@link ResponseFramer}'s.)
 *
 * <p>The decision is a set of flag bits in an {@code int}: no object per response.
 */
final class ClientFraming {

    /** The client connection closes after this response; {@code connection: close} goes out. */
    static final int CLOSE = 1;
    /** {@code connection: keep-alive} goes out (an HTTP/1.0 client whose connection stays). */
    static final int KEEP_ALIVE = 1 << 1;
    /** The backend's Content-Length does not go out (a transfer coding overrides it, or a 204). */
    static final int DROP_LENGTH = 1 << 2;
    /** The backend's Transfer-Encoding does not go out (an HTTP/1.0 client, or a 204). */
    static final int DROP_CODING = 1 << 3;
    /** The body goes out in chunks (de-chunked from the backend, re-chunked towards the client). */
    static final int CHUNKED_BODY = 1 << 4;
    /** {@code transfer-encoding: chunked} is added (the backend's body had no chunked coding). */
    static final int ADD_CHUNKED = 1 << 5;

    private static final short CRLF = ResponseHead.CRLF;
    private static final byte[] TE_CHUNKED = "transfer-encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION_CLOSE = "connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION_KEEP_ALIVE = "connection: keep-alive\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private ClientFraming() {
    }

    /**
     * The framing of one final response.
     *
     * @param headRequest   the request was a HEAD (no body follows whatever the head says)
     * @param status        the response's status code
     * @param lengthUnknown the backend sent a transfer coding or no Content-Length: the body's length
     *                      is not known to the client from the head
     * @param chunked       the backend's final transfer coding is chunked
     * @param clientHttp10  the client spoke HTTP/1.0 (it has no chunked coding: it reads to the close)
     * @param mustClose     the client connection closes after this response anyway
     */
    static int decide(boolean headRequest, int status, boolean lengthUnknown, boolean chunked,
                      boolean clientHttp10, boolean mustClose) {
        int f = 0;
        if (status == 204) {
            f = DROP_LENGTH | DROP_CODING; // as Netty's encoder does for a 204
        }
        boolean noBody = headRequest || status == 204 || status == 304;
        if (!noBody && lengthUnknown) {
            f |= DROP_LENGTH; // a transfer coding overrides Content-Length (RFC 9112 section 6.3)
            if (clientHttp10) {
                f |= DROP_CODING; // an HTTP/1.0 client reads to the end of the connection
                mustClose = true;
            } else {
                f |= chunked ? CHUNKED_BODY : CHUNKED_BODY | ADD_CHUNKED;
            }
        }
        if (mustClose) {
            f |= CLOSE;
        } else if (clientHttp10) {
            f |= KEEP_ALIVE;
        }
        return f;
    }

    /**
     * The raw path: writes the client's head made from the backend's — HTTP/1.1 status line, the
     * header lines but the hop-by-hop ones and those {@code framing} drops, then the framing and
     * connection lines it adds. The caller adds its own header lines and the empty line.
     */
    static void writeHead(ResponseHead head, int framing, ByteBuf out) {
        boolean dropLength = (framing & DROP_LENGTH) != 0;
        boolean dropCoding = (framing & DROP_CODING) != 0;
        head.writeStatusLine(out);
        for (int i = 0, n = head.lineCount; i < n; i++) {
            if (head.hopByHop(i) || (dropLength && head.lineNamed(i, "content-length"))
                    || (dropCoding && head.lineNamed(i, "transfer-encoding"))) {
                continue;
            }
            head.writeLine(i, out);
            out.writeShort(CRLF);
        }
        if ((framing & ADD_CHUNKED) != 0) {
            out.writeBytes(TE_CHUNKED);
        }
        if ((framing & CLOSE) != 0) {
            out.writeBytes(CONNECTION_CLOSE);
        } else if ((framing & KEEP_ALIVE) != 0) {
            out.writeBytes(CONNECTION_KEEP_ALIVE);
        }
    }

    /**
     * The decoded path: applies {@code framing} to a response's headers, whose hop-by-hop
     * headers are already removed.
     *
     * @param scan the scan of those headers
     */
    static void apply(int framing, HttpHeaders h, HeaderScan scan) {
        if ((framing & DROP_LENGTH) != 0 && scan.contentLength != null) {
            h.remove(HttpHeaderNames.CONTENT_LENGTH);
        }
        if ((framing & DROP_CODING) != 0 && scan.transferEncoding) {
            h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        }
        if ((framing & ADD_CHUNKED) != 0) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if ((framing & CLOSE) != 0) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if ((framing & KEEP_ALIVE) != 0) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    /**
     * The size line of a chunk of {@code size} bytes (more than zero), after the CRLF that closes
     * the previous chunk when {@code closePrevious}.
     */
    static ByteBuf chunkStart(ByteBufAllocator alloc, int size, boolean closePrevious) {
        ByteBuf framing = alloc.ioBuffer(20);
        if (closePrevious) {
            framing.writeShort(CRLF);
        }
        framing.writeCharSequence(Integer.toHexString(size), StandardCharsets.US_ASCII);
        framing.writeShort(CRLF);
        return framing;
    }

    /** The end of a chunked body: the open chunk's CRLF if any, the zero-size chunk, the trailers, CRLF. */
    static ByteBuf lastChunk(ByteBufAllocator alloc, HttpHeaders trailers, boolean closePrevious) {
        ByteBuf end = alloc.ioBuffer(trailers.isEmpty() ? 8 : 256);
        if (closePrevious) {
            end.writeShort(CRLF);
        }
        end.writeByte('0');
        end.writeShort(CRLF);
        for (Map.Entry<String, String> t : trailers) {
            end.writeCharSequence(t.getKey(), StandardCharsets.ISO_8859_1);
            end.writeByte(':');
            end.writeByte(' ');
            end.writeCharSequence(t.getValue(), StandardCharsets.ISO_8859_1);
            end.writeShort(CRLF);
        }
        end.writeShort(CRLF);
        return end;
    }
}
