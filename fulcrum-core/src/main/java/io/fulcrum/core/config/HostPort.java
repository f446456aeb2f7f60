package io.fulcrum.core.config;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A network address as the configuration writes it: {@code host:port}, with an IPv6
 * literal in brackets ({@code [::1]:53}). Every configuration field that names a socket
 * (a listener's bind, a backend, a GSLB peer or VIP, the admin bind, DNS listen
 * addresses, health-agent addresses) is of this type, so it is parsed once, by
 * {@link #parse(String)}, when the file is read, and a malformed one is refused there
 * with its line and field.
 *
 * @param host a host name, an IPv4 address or an IPv6 address (without brackets)
 * @param port 0-65535; 0 (any free port) only for an address listened on
 */
public record HostPort(String host, int port) {

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");
    private static final Pattern DIGITS_AND_DOTS = Pattern.compile("[0-9.]+");
    private static final String CONNECT_EXAMPLE = "10.0.0.5:8080";
    private static final String LISTEN_EXAMPLE = "0.0.0.0:8080";

    /** What an address is for, which decides whether a wildcard host is allowed and the examples shown. */
    public enum Use {
        /** An address to listen on: {@code 0.0.0.0} and {@code [::]} mean every interface, port 0 any free port. */
        LISTEN,
        /** An address to connect to (a backend, a peer, a VIP): it needs a real host. */
        CONNECT
    }

    public HostPort {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("a host is required");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("the port must be between 1 and 65535 (got " + port + ")");
        }
    }

    /** The address of a host and port. */
    public static HostPort of(String host, int port) {
        return new HostPort(host, port);
    }

    /**
     * Reads {@code host:port} ({@code [v6]:port} for IPv6) to connect to.
     *
     * @throws IllegalArgumentException saying what is wrong and how to write it
     */
    public static HostPort parse(String text) {
        return parse(text, Use.CONNECT);
    }

    /**
     * Reads {@code host:port} ({@code [v6]:port} for IPv6) for this use; an address to
     * connect to must not be a wildcard.
     *
     * @throws IllegalArgumentException saying what is wrong and how to write it
     */
    public static HostPort parse(String text, Use use) {
        boolean listen = use == Use.LISTEN;
        String example = listen ? LISTEN_EXAMPLE : CONNECT_EXAMPLE;
        if (text == null) {
            throw new IllegalArgumentException("an address is required; write host:port, e.g. " + example);
        }
        String s = text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("must not be empty; write host:port, e.g. " + example);
        }
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            throw new IllegalArgumentException(notAUrl(text, s.substring(0, scheme), s.substring(scheme + 3)));
        }
        String host;
        String port;
        boolean v6 = false;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ] after the IPv6 address (got \"" + text
                        + "\"); write e.g. [::1]:8080");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.startsWith(":")) {
                throw new IllegalArgumentException("missing port: write host:port, e.g. [" + host + "]:8080 (got \""
                        + text + "\")");
            }
            port = rest.substring(1);
            if (!isIpv6(host)) {
                throw new IllegalArgumentException("invalid IPv6 address \"" + host + "\" (got \"" + text + "\")");
            }
            v6 = true;
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("missing port: write host:port, e.g. " + example + " (got \""
                        + text + "\")");
            }
            if (s.indexOf(':') != colon) {
                if (isIpv6(s.substring(0, colon))) {
                    throw new IllegalArgumentException("an IPv6 address needs brackets: write [" + s.substring(0, colon)
                            + "]:" + s.substring(colon + 1) + " (got \"" + text + "\")");
                }
                throw new IllegalArgumentException("not host:port: too many colons; write host:port, e.g. " + example
                        + ", and an IPv6 address in brackets, e.g. [::1]:8080 (got \"" + text + "\")");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        if (port.isEmpty() || !port.chars().allMatch(ch -> ch >= '0' && ch <= '9') || port.length() > 6) {
            throw new IllegalArgumentException("the port must be a number between 1 and 65535 (got \"" + text + "\")");
        }
        int p = Integer.parseInt(port);
        if (p > 65535 || p == 0 && !listen) {
            throw new IllegalArgumentException("the port must be between 1 and 65535 (got " + p + ")");
        }
        if (!v6) {
            if (host.isEmpty() || host.equals("*")) {
                throw new IllegalArgumentException(listen
                        ? "a host is required: write 0.0.0.0:" + p + " for every IPv4 interface, or [::]:" + p
                        + " for every interface (got \"" + text + "\")"
                        : noHost(text));
            }
            String problem = hostNameProblem(host);
            if (problem != null) {
                throw new IllegalArgumentException(problem + " (got \"" + text + "\")");
            }
        }
        HostPort hp = new HostPort(host, p);
        if (!listen && hp.wildcard()) {
            throw new IllegalArgumentException(noHost(text));
        }
        return hp;
    }

    /**
     * Reads an address to connect to whose port may be left out: {@code host:port},
     * {@code [v6]:port}, or a host alone ({@code 192.0.2.10}, {@code vip.example.com},
     * {@code 2001:db8::1}, {@code [2001:db8::1]}), which gives port 0, "not written"
     * (the reader of the field decides what that means, e.g. a site VIP's
     * {@link io.fulcrum.core.config.site.VipConfig#endpoint()}).
     *
     * @throws IllegalArgumentException saying what is wrong and how to write it
     */
    public static HostPort parsePortOptional(String text) {
        String s = text == null ? "" : text.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (isIpv6(s)) {
            return new HostPort(s, 0);
        }
        if (!s.isEmpty() && s.indexOf(':') < 0 && !s.contains("/")) {
            String problem = hostNameProblem(s);
            if (problem != null) {
                throw new IllegalArgumentException(problem + " (got \"" + text + "\")");
            }
            HostPort hp = new HostPort(s, 0);
            if (hp.wildcard()) {
                throw new IllegalArgumentException(noHost(text));
            }
            return hp;
        }
        return parse(text, Use.CONNECT);
    }

    /** Whether the host means every interface ({@code 0.0.0.0} or {@code ::}): only a listener may say so. */
    public boolean wildcard() {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    /** The host normalised for comparing two addresses: lower case, {@code ::} for the IPv6 wildcard. */
    public String hostKey() {
        return host.equals("0:0:0:0:0:0:0:0") ? "::" : host.toLowerCase(Locale.ROOT);
    }

    /** Whether the host is an IPv6 literal. */
    public boolean ipv6() {
        return host.indexOf(':') >= 0;
    }

    /**
     * The socket address; a literal host is taken as it is, a name is resolved now (so call
     * this where a lookup may block: when binding or compiling, never on an event loop).
     */
    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    /** As the configuration writes it: {@code host:port}, {@code [v6]:port}. */
    @Override
    public String toString() {
        return ipv6() ? "[" + host + "]:" + port : host + ":" + port;
    }

    /** The problem with a host name or IPv4 address, or {@code null} when it is a valid one. */
    public static String hostNameProblem(String host) {
        if (host.isEmpty()) {
            return "empty host name";
        }
        if (host.length() > 253) {
            return "host name longer than 253 characters";
        }
        if (DIGITS_AND_DOTS.matcher(host).matches()) {
            String[] parts = host.split("\\.", -1);
            if (parts.length != 4) {
                return "not a valid IPv4 address";
            }
            for (String part : parts) {
                if (part.isEmpty() || part.length() > 3 || Integer.parseInt(part) > 255) {
                    return "not a valid IPv4 address";
                }
            }
            return null;
        }
        for (String label : host.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return label.isEmpty() ? "empty label in host name"
                        : "invalid label \"" + label + "\" (letters, digits, - and _, not starting or ending with -)";
            }
        }
        return null;
    }

    /** Whether the text is an IPv6 literal (without brackets). */
    public static boolean isIpv6(String literal) {
        if (literal.isEmpty() || !literal.contains(":")) {
            return false;
        }
        try {
            Inet6Address.ofLiteral(literal);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String noHost(String text) {
        return "an address to connect to needs a host, e.g. " + CONNECT_EXAMPLE + " (got \"" + text + "\")";
    }

    /** The hint for {@code scheme://authority/path}: the host:port it means, without scheme or path. */
    private static String notAUrl(String text, String scheme, String rest) {
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String lower = scheme.toLowerCase(Locale.ROOT);
        boolean hasPort = authority.startsWith("[") ? authority.contains("]:") : authority.contains(":");
        if (!hasPort && (lower.equals("http") || lower.equals("https")) && !authority.isEmpty()) {
            authority = authority + (lower.equals("http") ? ":80" : ":443");
        }
        String write = authority.isEmpty() ? "host:port" : authority;
        return "write host:port, not a URL: " + write + " (got \"" + text + "\")"
                + (lower.equals("https") ? "; TLS to a pool's backends is its tls section" : "");
    }
}
