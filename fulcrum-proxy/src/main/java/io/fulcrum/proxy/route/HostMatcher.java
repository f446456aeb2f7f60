package io.fulcrum.proxy.route;

import java.util.List;
import java.util.Locale;

/**
 * Matches a request's host (port removed, lower case) against exact names and
 * leading-label wildcards ({@code *.example.com} matches {@code a.example.com}
 * and {@code a.b.example.com}, not {@code example.com}).
 */
final class HostMatcher {

    private final String[] exact;
    private final String[] suffixes;

    HostMatcher(List<String> patterns) {
        this.exact = patterns.stream().filter(p -> !p.startsWith("*."))
                .map(p -> p.toLowerCase(Locale.ROOT)).toArray(String[]::new);
        this.suffixes = patterns.stream().filter(p -> p.startsWith("*."))
                .map(p -> p.substring(1).toLowerCase(Locale.ROOT)).toArray(String[]::new);
    }

    boolean isEmpty() {
        return exact.length == 0 && suffixes.length == 0;
    }

    /** @param host the request host, already lower case and without port; may be null */
    boolean matches(String host) {
        if (host == null) {
            return false;
        }
        for (String e : exact) {
            if (e.equals(host)) {
                return true;
            }
        }
        for (String s : suffixes) {
            if (host.length() > s.length() && host.endsWith(s)) {
                return true;
            }
        }
        return false;
    }

    /** Lower-cases the Host header value and strips a port and IPv6 brackets' port. */
    static String normalize(String hostHeader) {
        if (hostHeader == null || hostHeader.isEmpty()) {
            return null;
        }
        String h = hostHeader;
        if (h.charAt(0) == '[') {
            int close = h.indexOf(']');
            h = close > 0 ? h.substring(0, close + 1) : h;
        } else {
            int colon = h.lastIndexOf(':');
            if (colon >= 0) {
                h = h.substring(0, colon);
            }
        }
        // Most Host headers are already lower case: avoid the copy then.
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return h.toLowerCase(Locale.ROOT);
            }
        }
        return h;
    }
}
