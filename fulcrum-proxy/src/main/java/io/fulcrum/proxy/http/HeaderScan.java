package io.fulcrum.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.util.Iterator;
import java.util.Map;

/**
 * One pass over a message's headers that notes everything the proxy decides on
 * (framing, keep-alive, hop-by-hop headers, Host, Expect). It replaces a dozen
 * hashed look-ups per message on the hot path; one instance is reused per
 * connection.
 */
final class HeaderScan {

    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");

    String host;
    int hostCount;
    String connection;
    boolean transferEncoding;
    /** Transfer-Encoding header lines seen. */
    int transferEncodingCount;
    String transferEncodingValue;
    String contentLength;
    int contentLengthCount;
    String expect;
    String xForwardedFor;
    /** The Upgrade header's value (several joined with commas), or null. */
    String upgrade;
    /** Hop-by-hop headers other than Connection are present (Keep-Alive, Proxy-Connection, TE, Upgrade). */
    boolean otherHopByHop;

    void scan(HttpHeaders headers) {
        host = null;
        hostCount = 0;
        connection = null;
        transferEncoding = false;
        transferEncodingCount = 0;
        transferEncodingValue = null;
        contentLength = null;
        contentLengthCount = 0;
        expect = null;
        xForwardedFor = null;
        upgrade = null;
        otherHopByHop = false;
        Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence name = e.getKey();
            switch (name.length()) {
                case 2 -> otherHopByHop |= is(name, HttpHeaderNames.TE);
                case 4 -> {
                    if (is(name, HttpHeaderNames.HOST)) {
                        hostCount++;
                        host = e.getValue().toString();
                    }
                }
                case 6 -> {
                    if (is(name, HttpHeaderNames.EXPECT)) {
                        expect = e.getValue().toString();
                    }
                }
                case 7 -> {
                    if (is(name, HttpHeaderNames.UPGRADE)) {
                        otherHopByHop = true;
                        upgrade = upgrade == null ? e.getValue().toString() : upgrade + ", " + e.getValue();
                    }
                }
                case 10 -> {
                    if (is(name, HttpHeaderNames.CONNECTION)) {
                        connection = connection == null ? e.getValue().toString()
                                : connection + "," + e.getValue();
                    } else {
                        otherHopByHop |= is(name, HttpHeaderNames.KEEP_ALIVE);
                    }
                }
                case 14 -> {
                    if (is(name, HttpHeaderNames.CONTENT_LENGTH)) {
                        contentLengthCount++;
                        contentLength = e.getValue().toString();
                    }
                }
                case 15 -> {
                    if (is(name, X_FORWARDED_FOR)) {
                        xForwardedFor = xForwardedFor == null ? e.getValue().toString()
                                : xForwardedFor + ", " + e.getValue();
                    }
                }
                case 16 -> otherHopByHop |= is(name, PROXY_CONNECTION);
                case 17 -> {
                    if (is(name, HttpHeaderNames.TRANSFER_ENCODING)) {
                        transferEncoding = true;
                        transferEncodingCount++;
                        transferEncodingValue = e.getValue().toString();
                    }
                }
                default -> {
                }
            }
        }
    }

    /** Whether the Connection header lists {@code token} (case-insensitive). */
    boolean connectionHas(String token) {
        String c = connection;
        if (c == null) {
            return false;
        }
        int len = c.length();
        int start = 0;
        while (start < len) {
            int comma = c.indexOf(',', start);
            int end = comma < 0 ? len : comma;
            int s = start;
            int t = end;
            while (s < t && c.charAt(s) == ' ') {
                s++;
            }
            while (t > s && c.charAt(t - 1) == ' ') {
                t--;
            }
            if (t - s == token.length() && c.regionMatches(true, s, token, 0, token.length())) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    /** Keep-alive by the message's own account: HTTP/1.1 unless "close"; HTTP/1.0 only with "keep-alive". */
    boolean keepAlive(boolean http10) {
        return http10 ? connectionHas("keep-alive") : !connectionHas("close");
    }

    /** The final transfer coding is chunked (the decoder refuses any other final coding in requests). */
    boolean chunked() {
        if (!transferEncoding) {
            return false;
        }
        String v = transferEncodingValue.trim();
        int comma = v.lastIndexOf(',');
        String last = comma < 0 ? v : v.substring(comma + 1).trim();
        return last.equalsIgnoreCase("chunked");
    }

    /** The (last) Transfer-Encoding header is exactly {@code chunked}, white space aside. */
    boolean onlyChunked() {
        return transferEncoding && transferEncodingValue.strip().equalsIgnoreCase("chunked");
    }

    /** Content-Length as a number; -1 when absent or unparseable. */
    long contentLengthValue() {
        if (contentLength == null) {
            return -1;
        }
        try {
            return Long.parseLong(contentLength.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean is(CharSequence name, AsciiString known) {
        return AsciiString.contentEqualsIgnoreCase(name, known);
    }
}
