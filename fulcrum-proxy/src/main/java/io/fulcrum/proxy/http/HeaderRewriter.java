package io.fulcrum.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Header changes a proxy makes: hop-by-hop headers removed (RFC 9110 section 7.6.1)
 * and forwarding headers added.
 */
final class HeaderRewriter {

    private static final String PROXY_CONNECTION = "proxy-connection";
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final AsciiString FORWARDED = AsciiString.cached("forwarded");

    private HeaderRewriter() {
    }

    /**
     * Removes hop-by-hop headers, including those a Connection header names, as found
     * by {@code scan} (of these same headers). Host, Content-Length and Transfer-Encoding are
     * never removed, even when Connection names them; framing is left for the caller.
     */
    static void removeHopByHop(HttpHeaders h, HeaderScan scan) {
        String connection = scan.connection;
        if (connection != null) {
            int start = 0;
            int len = connection.length();
            while (start < len) {
                int comma = connection.indexOf(',', start);
                int end = comma < 0 ? len : comma;
                String token = connection.substring(start, end).trim();
                // Framing and routing headers are never removed this way: a client naming them would open a
                // smuggling hole (Content-Length, Transfer-Encoding) or strip the Host the backend serves.
                if (!token.isEmpty() && !token.equalsIgnoreCase("close") && !token.equalsIgnoreCase("keep-alive")
                        && !isEndToEndOnly(token)) {
                    h.remove(token);
                }
                start = end + 1;
            }
            h.remove(HttpHeaderNames.CONNECTION);
        }
        if (scan.otherHopByHop) {
            h.remove(HttpHeaderNames.KEEP_ALIVE);
            h.remove(PROXY_CONNECTION);
            h.remove(HttpHeaderNames.TE);
            h.remove(HttpHeaderNames.UPGRADE);
        }
    }

    /** Host, Content-Length and Transfer-Encoding: never hop-by-hop, whatever Connection says. */
    static boolean isEndToEndOnly(String lowerOrMixedName) {
        return lowerOrMixedName.equalsIgnoreCase("host") || lowerOrMixedName.equalsIgnoreCase("content-length")
                || lowerOrMixedName.equalsIgnoreCase("transfer-encoding");
    }

    /** Appends the client to X-Forwarded-For ({@code xff}: its current value, or null) and sets the other two. */
    static void addXForwarded(HttpHeaders h, String xff, String clientIp, String proto, String host) {
        h.set(X_FORWARDED_FOR, xff == null ? clientIp : xff + ", " + clientIp);
        h.set(X_FORWARDED_PROTO, proto);
        if (host != null) {
            h.set(X_FORWARDED_HOST, host);
        }
    }

    /** Appends an RFC 7239 Forwarded element. */
    static void addForwarded(HttpHeaders h, InetAddress client, String proto, String host) {
        StringBuilder sb = new StringBuilder(64).append("for=");
        if (client instanceof Inet6Address) {
            sb.append("\"[").append(client.getHostAddress()).append("]\"");
        } else {
            sb.append(client.getHostAddress());
        }
        if (host != null) {
            sb.append(";host=\"").append(host.replace("\"", "")).append('"');
        }
        sb.append(";proto=").append(proto);
        h.add(FORWARDED, sb.toString());
    }

    /** Appends this proxy to Via. */
    static void addVia(HttpHeaders h, String protocolVersion) {
        String v = protocolVersion.startsWith("HTTP/") ? protocolVersion.substring(5) : protocolVersion;
        h.add(HttpHeaderNames.VIA, v + " fulcrum");
    }
}
