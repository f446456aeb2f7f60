package io.fulcrum.core.config;

import java.util.List;
import java.util.Map;

/**
 * Conditions a request must meet for a route to apply; every condition given must hold.
 *
 * @param hosts      Host header values, exact ({@code www.example.com}) or wildcard ({@code *.example.com}); empty = any
 * @param pathPrefix the path must start with this; {@code null} = any
 * @param pathRegex  the path must match this regular expression (whole path); {@code null} = any
 * @param methods    allowed methods; empty = any
 * @param headers    header name to required value; a value written {@code ~regex} is matched as a regular expression
 */
public record RouteMatch(List<String> hosts, String pathPrefix, String pathRegex, List<String> methods,
                         Map<String, String> headers) {

    public RouteMatch {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        methods = methods == null ? List.of() : List.copyOf(methods);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static RouteMatch any() {
        return new RouteMatch(null, null, null, null, null);
    }
}
