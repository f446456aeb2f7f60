package io.fulcrum.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Checks a request target and brings it to the one form a backend gets: origin-form
 * ({@code /path?query}), or {@code *} for {@code OPTIONS}. An HTTP/1.1 absolute-form target
 * ({@code http://host/path}) becomes origin-form and its authority replaces the Host header
 * (RFC 9112 section 3.2.2), before routing, so routing, the backend and the access log all see
 * the same host. Over HTTP/2, {@code :path} must already be origin-form (RFC 9113 section
 * 8.3.1); an absolute one is malformed.
 *
 * <p>A target may hold only visible ASCII without {@code #} (RFC 9112 section 3.2, RFC 3986):
 * no control byte, space, DEL, byte above 0x7F or fragment is ever forwarded. The common
 * origin-form target costs one pass over its characters and allocates nothing.
 */
final class RequestTarget {

    private RequestTarget() {
    }

    /** Characters a target may contain: visible ASCII except '#'. */
    private static final boolean[] ALLOWED = new boolean[128];

    static {
        for (int c = 0x21; c < 0x7f; c++) {
            ALLOWED[c] = c != '#';
        }
    }

    /**
     * Checks {@code request}'s target and rewrites an absolute-form one in place (the URI
     * becomes origin-form, the Host header and {@code scan.host} its authority).
     *
     * @param http2 the request arrived on an HTTP/2 stream (absolute form is malformed there)
     * @return why the target is refused (answered 400), or null when it is acceptable
     */
    static String normalize(HttpRequest request, HeaderScan scan, boolean http2) {
        String uri = request.uri();
        int len = uri.length();
        if (len == 0) {
            return "empty request target";
        }
        for (int i = 0; i < len; i++) {
            char c = uri.charAt(i);
            if (c >= 0x80 || !ALLOWED[c]) {
                return "invalid character in request target";
            }
        }
        char first = uri.charAt(0);
        if (first == '/') {
            return null;
        }
        if (first == '*' && len == 1) {
            return HttpMethod.OPTIONS.equals(request.method()) ? null : "'*' target is only for OPTIONS";
        }
        if (http2) {
            return ":path not in origin form";
        }
        int authorityStart = schemeEnd(uri);
        if (authorityStart < 0) {
            return "request target not in origin or absolute form";
        }
        int authorityEnd = authorityStart;
        while (authorityEnd < len && uri.charAt(authorityEnd) != '/' && uri.charAt(authorityEnd) != '?') {
            authorityEnd++;
        }
        if (authorityEnd == authorityStart) {
            return "absolute request target without a host";
        }
        String authority = uri.substring(authorityStart, authorityEnd);
        if (authority.indexOf('@') >= 0) {
            return "user information in request target"; // RFC 9110 section 4.2.4: never sent in http(s) URIs
        }
        String rest = uri.substring(authorityEnd);
        request.setUri(rest.isEmpty() || rest.charAt(0) == '?' ? "/" + rest : rest);
        request.headers().set(HttpHeaderNames.HOST, authority);
        scan.host = authority;
        scan.hostCount = 1;
        return null;
    }

    /** The index after {@code http://} or {@code https://} (scheme case-insensitive) at the start, else -1. */
    private static int schemeEnd(String uri) {
        if (uri.regionMatches(true, 0, "http://", 0, 7)) {
            return 7;
        }
        if (uri.regionMatches(true, 0, "https://", 0, 8)) {
            return 8;
        }
        return -1;
    }
}
