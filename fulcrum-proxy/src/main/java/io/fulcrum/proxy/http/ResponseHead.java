package io.fulcrum.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A backend's HTTP/1.x response head as received: its bytes, where each header line
 * lies in them, and the few facts the proxy decides on (status, framing, keep-alive,
 * hop-by-hop headers). Made by {@link ResponseFramer}; an HTTP/1.1 client gets these
 * bytes copied almost as they are (see {@link #writeTo}), and only an HTTP/2 client
 * or an unusual response pays for a decoded {@link HttpResponse} ({@link #toHttpResponse}).
 *
 * <p>Holds no pooled buffer: it needs no release.
 */
final class ResponseHead {

    /** Why the head is unacceptable (the response is answered with 502), or null. */
    final String invalid;
    /** The head's bytes: status line, header lines, the empty line (LF or CRLF line ends). */
    final byte[] bytes;
    int status;
    boolean http10;
    /** Start of the reason phrase's line remainder: the status code's first digit. */
    int statusCodeAt;
    int statusLineEnd;
    /** Header lines, three ints each: start of the name, offset of the colon, end of the line (before CR LF). */
    int lineCount;
    private int[] lines = new int[3 * 8];

    long contentLength = -1;
    int contentLengthCount;
    boolean transferEncoding;
    boolean chunked;
    boolean connectionClose;
    boolean connectionKeepAlive;
    boolean connectionUpgrade;
    /** Other tokens of Connection (lower case), naming hop-by-hop headers to drop; null when none. */
    List<String> connectionTokens;
    /** The Upgrade header's value, or null. */
    String upgrade;
    /**
     * The whole body when it came with the head (no body, or a small one already read): the
     * response is complete and no body parts follow. Null when body parts follow.
     */
    byte[] body;

    private ResponseHead(String invalid, byte[] bytes) {
        this.invalid = invalid;
        this.bytes = bytes;
    }

    static ResponseHead invalid(String why) {
        return new ResponseHead(why, null);
    }

    /** Parses a complete head ({@code bytes[0, length)} ends with its empty line); never null. */
    static ResponseHead parse(byte[] b, int length) {
        ResponseHead h = new ResponseHead(null, b);
        String problem = h.parseInto(length);
        return problem == null ? h : invalid(problem);
    }

    private String parseInto(int length) {
        int eol = lineEnd(bytes, 0, length);
        if (eol < 12 || !startsWithHttp1(bytes)) {
            return "bad status line";
        }
        http10 = bytes[7] == '0';
        if (bytes[8] != ' ') {
            return "bad status line";
        }
        int d0 = bytes[9] - '0';
        int d1 = bytes[10] - '0';
        int d2 = bytes[11] - '0';
        if (d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9 || (eol > 12 && bytes[12] != ' ')) {
            return "bad status line";
        }
        for (int i = 12; i < eol; i++) {
            if (!isFieldByte(bytes[i])) {
                return "bad status line";
            }
        }
        status = d0 * 100 + d1 * 10 + d2;
        statusCodeAt = 9;
        statusLineEnd = eol;
        int pos = next(eol, length);
        byte[] b = bytes;
        while (pos < length) {
            // One pass per line: the name's token characters, the colon, the value's field bytes, the line end.
            int start = pos;
            int i = pos;
            while (i < length && isTokenByte(b[i])) {
                i++;
            }
            if (i == length) {
                return "bad header line";
            }
            if (i == pos) {
                byte c = b[i];
                if (c == '\n' || c == '\r' && i + 1 < length && b[i + 1] == '\n') {
                    // The empty line. A coding list that does not end with chunked leaves the body's end to
                    // the close, and the client would get that list plus Fulcrum's own chunked: refused.
                    return transferEncoding && !chunked ? "final transfer coding not chunked" : null;
                }
                return "bad header line"; // includes obs-fold: a line starting with white space
            }
            if (b[i] != ':') {
                return "bad header line"; // includes white space before the colon
            }
            int colon = i++;
            while (i < length && FIELD[b[i] & 0xff]) {
                i++;
            }
            int end;
            if (i < length && b[i] == '\n') {
                end = i;
                pos = i + 1;
            } else if (i + 1 < length && b[i] == '\r' && b[i + 1] == '\n') {
                end = i;
                pos = i + 2;
            } else {
                return "bad header value"; // a control character or a bare CR
            }
            String problem = header(start, colon, end);
            if (problem != null) {
                return problem;
            }
        }
        return "bad header line";
    }

    /** One well-formed header line {@code [start, end)}: recorded, and noted when it matters to the proxy. */
    private String header(int start, int colon, int end) {
        int at = lineCount * 3;
        if (at == lines.length) {
            lines = java.util.Arrays.copyOf(lines, at * 2);
        }
        lines[at] = start;
        lines[at + 1] = colon;
        lines[at + 2] = end;
        lineCount++;
        switch (colon - start) {
            case 7 -> {
                if (nameIs(start, "upgrade")) {
                    String v = value(colon, end);
                    upgrade = upgrade == null ? v : upgrade + ", " + v;
                }
            }
            case 10 -> {
                if (nameIs(start, "connection")) {
                    connectionTokens(colon + 1, end);
                }
            }
            case 14 -> {
                if (nameIs(start, "content-length")) {
                    contentLengthCount++;
                    if (contentLengthCount > 1) {
                        return "several Content-Length headers";
                    }
                    contentLength = contentLength(colon + 1, end);
                    if (contentLength < 0) {
                        return "bad Content-Length";
                    }
                }
            }
            case 17 -> {
                if (nameIs(start, "transfer-encoding")) {
                    transferEncoding = true;
                    return codings(colon + 1, end);
                }
            }
            default -> {
            }
        }
        return null;
    }

    private void connectionTokens(int from, int end) {
        int s = from;
        while (s < end) {
            int comma = s;
            while (comma < end && bytes[comma] != ',') {
                comma++;
            }
            int a = s;
            int z = comma;
            while (a < z && isOws(bytes[a])) {
                a++;
            }
            while (z > a && isOws(bytes[z - 1])) {
                z--;
            }
            if (z > a) {
                if (equalsLower(a, z, "close")) {
                    connectionClose = true;
                } else if (equalsLower(a, z, "keep-alive")) {
                    connectionKeepAlive = true;
                } else if (equalsLower(a, z, "upgrade")) {
                    connectionUpgrade = true;
                } else {
                    if (connectionTokens == null) {
                        connectionTokens = new ArrayList<>(2);
                    }
                    connectionTokens.add(new String(bytes, a, z - a, StandardCharsets.ISO_8859_1)
                            .toLowerCase(java.util.Locale.ROOT));
                }
            }
            s = comma + 1;
        }
    }

    /**
     * Checks one Transfer-Encoding line's codings (several lines form one list): each a known
     * coding without parameters, chunked once and last (RFC 9112 section 6.1). Anything else
     * cannot be framed the same way by Fulcrum and the client, and is refused (502).
     */
    private String codings(int from, int end) {
        int s = from;
        while (s <= end) {
            int comma = s;
            while (comma < end && bytes[comma] != ',') {
                comma++;
            }
            int a = s;
            int z = comma;
            while (a < z && isOws(bytes[a])) {
                a++;
            }
            while (z > a && isOws(bytes[z - 1])) {
                z--;
            }
            if (z > a) {
                if (chunked) {
                    return "transfer coding after chunked";
                }
                if (equalsLower(a, z, "chunked")) {
                    chunked = true;
                } else if (!equalsLower(a, z, "gzip") && !equalsLower(a, z, "x-gzip") && !equalsLower(a, z, "deflate")
                        && !equalsLower(a, z, "compress") && !equalsLower(a, z, "x-compress")) {
                    return "unknown transfer coding";
                }
            }
            s = comma + 1;
        }
        return null;
    }

    private long contentLength(int from, int end) {
        int a = from;
        int z = end;
        while (a < z && isOws(bytes[a])) {
            a++;
        }
        while (z > a && isOws(bytes[z - 1])) {
            z--;
        }
        if (a == z || z - a > 18) {
            return -1;
        }
        long v = 0;
        for (int i = a; i < z; i++) {
            int d = bytes[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** Whether header line {@code i} is named {@code lowerName}. */
    boolean lineNamed(int i, String lowerName) {
        int s = lines[3 * i];
        return lines[3 * i + 1] - s == lowerName.length() && nameIs(s, lowerName);
    }

    private boolean nameIs(int start, String lower) {
        return equalsLower(start, start + lower.length(), lower);
    }

    private boolean equalsLower(int a, int z, String lower) {
        if (z - a != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            int c = bytes[a + i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private String value(int colon, int end) {
        int a = colon + 1;
        int z = end;
        while (a < z && isOws(bytes[a])) {
            a++;
        }
        while (z > a && isOws(bytes[z - 1])) {
            z--;
        }
        return new String(bytes, a, z - a, StandardCharsets.ISO_8859_1);
    }

    /**
     * Whether header line {@code i} is hop-by-hop: Connection and the headers it names
     * (never Host or the framing headers: that would open a smuggling hole), Keep-Alive,
     * Proxy-Connection, TE and Upgrade (RFC 9110 section 7.6.1).
     */
    boolean hopByHop(int i) {
        int len = lines[3 * i + 1] - lines[3 * i];
        switch (len) {
            case 2:
                if (lineNamed(i, "te")) {
                    return true;
                }
                break;
            case 7:
                if (lineNamed(i, "upgrade")) {
                    return true;
                }
                break;
            case 10:
                if (lineNamed(i, "connection") || lineNamed(i, "keep-alive")) {
                    return true;
                }
                break;
            case 16:
                if (lineNamed(i, "proxy-connection")) {
                    return true;
                }
                break;
            default:
                break;
        }
        List<String> tokens = connectionTokens;
        if (tokens != null) {
            for (int t = 0; t < tokens.size(); t++) {
                String token = tokens.get(t);
                if (!HeaderRewriter.isEndToEndOnly(token) && lineNamed(i, token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Copies header line {@code i} (without its line end) to {@code out}. */
    void writeLine(int i, ByteBuf out) {
        out.writeBytes(bytes, lines[3 * i], lines[3 * i + 2] - lines[3 * i]);
    }

    /** {@code "HTTP/1.1 "} and the status line from the status code on. */
    void writeStatusLine(ByteBuf out) {
        out.writeBytes(HTTP11_SP);
        out.writeBytes(bytes, statusCodeAt, statusLineEnd - statusCodeAt);
        out.writeShort(CRLF);
    }

    /** The head's size in bytes (an upper bound for what {@link #writeTo} copies of it). */
    int size() {
        return lineCount == 0 ? statusLineEnd + 2 : lines[3 * lineCount - 1] + 4;
    }

    /** A decoded response with the same status, version and headers (for the paths that need HTTP objects). */
    HttpResponse toHttpResponse() {
        String reason = statusLineEnd > 13 ? new String(bytes, 13, statusLineEnd - 13, StandardCharsets.ISO_8859_1)
                : "";
        HttpResponseStatus st = reason.isEmpty() ? HttpResponseStatus.valueOf(status)
                : new HttpResponseStatus(status, reason);
        HttpResponse r = new DefaultHttpResponse(http10 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1, st);
        HttpHeaders h = r.headers();
        for (int i = 0; i < lineCount; i++) {
            int start = lines[3 * i];
            String name = new String(bytes, start, lines[3 * i + 1] - start, StandardCharsets.ISO_8859_1);
            h.add(name, value(lines[3 * i + 1], lines[3 * i + 2]));
        }
        return r;
    }

    static final byte[] HTTP11_SP = "HTTP/1.1 ".getBytes(StandardCharsets.US_ASCII);
    static final short CRLF = ('\r' << 8) | '\n';

    // ---- byte classes ---------------------------------------------------------------------------

    private static boolean startsWithHttp1(byte[] b) {
        return b[0] == 'H' && b[1] == 'T' && b[2] == 'T' && b[3] == 'P' && b[4] == '/' && b[5] == '1'
                && b[6] == '.' && (b[7] == '1' || b[7] == '0');
    }

    /** The end of the line starting at {@code from} (its LF, or the CR before it); -1 past {@code limit}. */
    static int lineEnd(byte[] b, int from, int limit) {
        for (int i = from; i < limit; i++) {
            byte c = b[i];
            if (c == '\n') {
                return i > from && b[i - 1] == '\r' ? i - 1 : i;
            }
            if (c == '\r' && (i + 1 >= limit || b[i + 1] != '\n')) {
                return -1; // a bare CR
            }
        }
        return -1;
    }

    /** The start of the line after the one ending at {@code end}. */
    private int next(int end, int limit) {
        return bytes[end] == '\r' ? end + 2 : end + 1;
    }

    private static boolean isOws(byte c) {
        return c == ' ' || c == '\t';
    }

    /** Field content: visible characters, obs-text, space and tab; no other control character. */
    private static boolean isFieldByte(byte c) {
        return c < 0 || c >= 0x20 && c != 0x7f || c == '\t';
    }

    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    static boolean isTokenByte(byte c) {
        return c > 0 && TCHAR[c];
    }

    /** {@link #isFieldByte} as a table, for the per-byte loop over header values. */
    private static final boolean[] FIELD = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) {
            FIELD[c] = isFieldByte((byte) c);
        }
    }
}
