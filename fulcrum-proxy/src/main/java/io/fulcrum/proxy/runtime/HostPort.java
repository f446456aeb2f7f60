package io.fulcrum.proxy.runtime;

/**
 * A parsed {@code host:port} (IPv6 literals as {@code [::1]:8080}).
 *
 * @param host host name or address (IPv6 without brackets)
 * @param port port number
 */
public record HostPort(String host, int port) {

    /** @throws IllegalArgumentException when the value is not {@code host:port} */
    public static HostPort parse(String value) {
        if (value == null) {
            throw new IllegalArgumentException("address is missing");
        }
        String host;
        String port;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0 || close + 1 >= value.length() || value.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("expected [ipv6]:port, got " + value);
            }
            host = value.substring(1, close);
            port = value.substring(close + 2);
        } else {
            int colon = value.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("expected host:port, got " + value);
            }
            host = value.substring(0, colon);
            port = value.substring(colon + 1);
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("port out of range in " + value);
            }
            return new HostPort(host, p);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in " + value);
        }
    }
}
