package io.fulcrum.proxy.http;

import io.fulcrum.core.config.ConnectConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Checks the target of an HTTP/1.1 {@code CONNECT} on a listener that opted in to tunnels.
 * The target must be authority-form, {@code host:port} (RFC 9112 section 3.2.3): a
 * registered name or IPv4 address, or an IPv6 address in brackets, and a port the listener
 * allows. The authority then replaces the Host header (as an absolute-form target's does),
 * so routing, the access log and the request agree on what was asked for.
 */
final class ConnectTarget {

    private ConnectTarget() {
    }

    /** Why a CONNECT is refused: 400 for a malformed request, 403 for a port not allowed. */
    enum Problem {
        MALFORMED, PORT_NOT_ALLOWED
    }

    /** The outcome of {@link #check}: null problem when the tunnel may be opened. */
    record Outcome(Problem problem, String reason) {
    }

    private static final Outcome OK = new Outcome(null, null);

    /**
     * Checks {@code request}'s target against {@code connect}; an acceptable one becomes the
     * Host header and {@code scan.host}.
     */
    static Outcome check(HttpRequest request, HeaderScan scan, ConnectConfig connect) {
        if (scan.transferEncoding || scan.contentLengthCount > 0 && scan.contentLengthValue() != 0) {
            return malformed("CONNECT request with a body"); // RFC 9110 section 9.3.6: it has no content
        }
        String target = request.uri();
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || colon == target.length() - 1) {
            return malformed("CONNECT target must be host:port");
        }
        String host = target.substring(0, colon);
        if (!validHost(host)) {
            return malformed("CONNECT target must be host:port");
        }
        int port = port(target, colon + 1);
        if (port < 1) {
            return malformed("CONNECT target has an invalid port");
        }
        if (!connect.allows(port)) {
            return new Outcome(Problem.PORT_NOT_ALLOWED, "CONNECT to port " + port + " is not allowed here");
        }
        request.headers().set(HttpHeaderNames.HOST, target);
        scan.host = target;
        scan.hostCount = 1;
        return OK;
    }

    private static Outcome malformed(String reason) {
        return new Outcome(Problem.MALFORMED, reason);
    }

    /** A bracketed IPv6 literal, or a name / IPv4 address of letters, digits, '-', '.' and '_'. */
    private static boolean validHost(String host) {
        if (host.charAt(0) == '[') {
            if (host.length() < 4 || host.charAt(host.length() - 1) != ']') {
                return false;
            }
            for (int i = 1; i < host.length() - 1; i++) {
                char c = host.charAt(i);
                if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
                    return false;
                }
            }
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_';
            if (!ok) {
                return false; // ':' of an unbracketed IPv6 address, '@' of user information, '/', '%', ...
            }
        }
        return true;
    }

    /** The decimal port from {@code from} to the end, 1-65535, or -1. */
    private static int port(String s, int from) {
        if (s.length() - from > 5) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v >= 1 && v <= 65535 ? v : -1;
    }
}
