package io.fulcrum.app.imports;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The conditions of one Fulcrum route ({@code routes[].match}) being put together: each field
 * null or empty means "any". Immutable; {@link #and} gives the conditions of both.
 *
 * @param hosts      {@code hosts}: the request's host is one of these
 * @param pathPrefix {@code pathPrefix}
 * @param pathRegex  {@code pathRegex}: the whole path matches
 * @param methods    {@code methods}
 * @param headers    {@code headers}: name to value, {@code ~regex} for a pattern
 */
record MatchDraft(List<String> hosts, String pathPrefix, String pathRegex, List<String> methods,
                  Map<String, String> headers) {

    /** Matches every request. */
    static final MatchDraft ANY = new MatchDraft(List.of(), null, null, List.of(), Map.of());

    MatchDraft {
        hosts = List.copyOf(hosts);
        methods = List.copyOf(methods);
        headers = Map.copyOf(headers);
    }

    static MatchDraft hosts(List<String> hosts) {
        return new MatchDraft(hosts, null, null, List.of(), Map.of());
    }

    static MatchDraft prefix(String prefix) {
        return new MatchDraft(List.of(), prefix, null, List.of(), Map.of());
    }

    static MatchDraft regex(String regex) {
        return new MatchDraft(List.of(), null, regex, List.of(), Map.of());
    }

    static MatchDraft methods(List<String> methods) {
        return new MatchDraft(List.of(), null, null, methods, Map.of());
    }

    static MatchDraft header(String name, String value) {
        return new MatchDraft(List.of(), null, null, List.of(), Map.of(name, value));
    }

    /**
     * The conditions of this and {@code other} together, or null when one route cannot say both
     * (two different host lists, two path prefixes neither of which contains the other...).
     */
    MatchDraft and(MatchDraft other) {
        List<String> h = both(hosts, other.hosts);
        List<String> m = both(methods, other.methods);
        String prefix = pathPrefix;
        if (other.pathPrefix != null) {
            if (prefix == null || other.pathPrefix.startsWith(prefix)) {
                prefix = other.pathPrefix;
            } else if (!prefix.startsWith(other.pathPrefix)) {
                return null;
            }
        }
        if (pathRegex != null && other.pathRegex != null && !pathRegex.equals(other.pathRegex)) {
            return null;
        }
        String regex = pathRegex != null ? pathRegex : other.pathRegex;
        Map<String, String> hd = new LinkedHashMap<>(headers);
        for (var e : other.headers.entrySet()) {
            String old = hd.putIfAbsent(e.getKey(), e.getValue());
            if (old != null && !old.equals(e.getValue())) {
                return null;
            }
        }
        if (h == null || m == null) {
            return null;
        }
        return new MatchDraft(h, prefix, regex, m, hd);
    }

    /** Both lists of alternatives at once: their common values; null when they share none. */
    private static List<String> both(List<String> a, List<String> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        List<String> common = new ArrayList<>(a);
        common.retainAll(b);
        return common.isEmpty() ? null : common;
    }

    /** Whether it matches every request. */
    boolean isAny() {
        return hosts.isEmpty() && pathPrefix == null && pathRegex == null && methods.isEmpty() && headers.isEmpty();
    }

    /** The {@code match} mapping of a route. */
    ObjectNode toNode() {
        ObjectNode m = ConfigDraft.object();
        if (!hosts.isEmpty()) {
            hosts.forEach(m.putArray("hosts")::add);
        }
        if (pathPrefix != null) {
            m.put("pathPrefix", pathPrefix);
        }
        if (pathRegex != null) {
            m.put("pathRegex", pathRegex);
        }
        if (!methods.isEmpty()) {
            methods.forEach(m.putArray("methods")::add);
        }
        if (!headers.isEmpty()) {
            ObjectNode h = m.putObject("headers");
            headers.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> h.put(e.getKey(), e.getValue()));
        }
        return m;
    }
}
