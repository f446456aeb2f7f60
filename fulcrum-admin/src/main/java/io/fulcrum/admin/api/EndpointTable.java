package io.fulcrum.admin.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Finds the {@link ApiEndpoint} of a request from its method and path segments. A path
 * that some endpoint serves with another method gets {@code 405} and the methods it
 * allows; a path no endpoint serves gets {@code 404}. Literal segments beat parameters,
 * and the extension endpoint (whose parameter takes the rest of the path) is tried last
 * and only for paths some service actually serves.
 */
final class EndpointTable {

    /** The outcome of a lookup. */
    sealed interface Match {
    }

    /** Found: the endpoint and the values of its path parameters. */
    record Found(ApiEndpoint endpoint, Map<String, String> params) implements Match {
    }

    /** The path exists but not with this method. */
    record WrongMethod(Set<String> allowed) implements Match {
        /** The {@code Allow} header's value. */
        String allowHeader() {
            return String.join(", ", allowed);
        }
    }

    /** No endpoint has this path. */
    record NotFound() implements Match {
    }

    private final List<ApiEndpoint> endpoints;
    private final Predicate<String> extensionExists;

    /**
     * @param extensionExists whether some service serves this extension path (like {@code dns/stats})
     */
    EndpointTable(Predicate<String> extensionExists) {
        List<ApiEndpoint> ordered = new ArrayList<>();
        for (ApiEndpoint e : ApiEndpoint.values()) {
            if (!e.takesRest()) {
                ordered.add(e);
            }
        }
        for (ApiEndpoint e : ApiEndpoint.values()) {
            if (e.takesRest()) {
                ordered.add(e);
            }
        }
        this.endpoints = List.copyOf(ordered);
        this.extensionExists = extensionExists;
    }

    /**
     * Looks up a request.
     *
     * @param method   the request's method ({@code HEAD} is served by {@code GET} endpoints)
     * @param segments the decoded path segments, like {@code [api, v1, pools, web]}
     */
    Match find(String method, List<String> segments) {
        String m = method.equals("HEAD") ? "GET" : method;
        Map<String, String> best = null;
        ApiEndpoint found = null;
        int bestLiterals = -1;
        Set<String> allowed = new LinkedHashSet<>();
        boolean literalPathMatched = false;
        for (ApiEndpoint e : endpoints) {
            if (e.takesRest() && literalPathMatched) {
                break; // a path some fixed endpoint serves is never an extension's
            }
            Map<String, String> params = match(e, segments);
            if (params == null) {
                continue;
            }
            if (!e.takesRest()) {
                literalPathMatched = true;
            }
            if (!e.method().equals(m)) {
                allowed.add(e.method());
                if (e.method().equals("GET")) {
                    allowed.add("HEAD");
                }
                continue;
            }
            int literals = literals(e);
            if (literals > bestLiterals) {
                bestLiterals = literals;
                found = e;
                best = params;
            }
        }
        if (found != null) {
            return new Found(found, best);
        }
        return allowed.isEmpty() ? new NotFound() : new WrongMethod(allowed);
    }

    private Map<String, String> match(ApiEndpoint e, List<String> segments) {
        List<String> t = e.segments();
        if (e.takesRest()) {
            if (segments.size() < t.size()) {
                return null;
            }
            for (int i = 0; i < t.size() - 1; i++) {
                if (!t.get(i).equals(segments.get(i))) {
                    return null;
                }
            }
            String rest = String.join("/", segments.subList(t.size() - 1, segments.size()));
            if (!extensionExists.test(rest)) {
                return null;
            }
            String name = t.getLast();
            return Map.of(name.substring(1, name.length() - 1), rest);
        }
        if (t.size() != segments.size()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < t.size(); i++) {
            String s = t.get(i);
            if (s.startsWith("{")) {
                params.put(s.substring(1, s.length() - 1), segments.get(i));
            } else if (!s.equals(segments.get(i))) {
                return null;
            }
        }
        return params;
    }

    private static int literals(ApiEndpoint e) {
        return (int) e.segments().stream().filter(s -> !s.startsWith("{")).count();
    }
}
