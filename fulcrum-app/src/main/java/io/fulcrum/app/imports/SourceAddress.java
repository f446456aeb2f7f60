package io.fulcrum.app.imports;

/**
 * An address as HAProxy and NGINX write it ({@code 10.0.0.5:80}, {@code *:80}, {@code :80},
 * {@code [::1]:80}, {@code :::80}, {@code app.internal}), read into a host and a port.
 *
 * @param host the host as written, without brackets; empty for "every address" ({@code *}, nothing)
 * @param port the port, or -1 when none was written
 */
record SourceAddress(String host, int port) {

    /**
     * Reads {@code text}; an IPv6 address without brackets ({@code :::80}, HAProxy's way) has its
     * port after the last colon.
     *
     * @return the address, or null when it is not one (a port that is not a number, a range)
     */
    static SourceAddress parse(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (rest.isEmpty()) {
                return new SourceAddress(host, -1);
            }
            if (!rest.startsWith(":")) {
                return null;
            }
            port = rest.substring(1);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                return new SourceAddress(text, -1);
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        if (!port.matches("\\d{1,5}")) {
            return null;
        }
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535) {
            return null;
        }
        return new SourceAddress(host.equals("*") ? "" : host, p);
    }

    /** This address with {@code port} when it has none. */
    SourceAddress withDefaultPort(int defaultPort) {
        return port > 0 ? this : new SourceAddress(host, defaultPort);
    }

    /** Whether the host is "every address" (written {@code *}, {@code 0.0.0.0}, {@code ::} or left out). */
    boolean wildcard() {
        return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::");
    }

    /** The host as a Fulcrum VIP (a literal IP address); every IPv4 address for a wildcard. */
    String vip() {
        return host.isEmpty() ? "0.0.0.0" : host;
    }

    /** Fulcrum's {@code host:port}: IPv6 in brackets, {@code 0.0.0.0} for "every address". */
    String fulcrum() {
        String h = host.isEmpty() ? "0.0.0.0" : host;
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + port;
    }
}
