package io.fulcrum.proxy.route;

import io.fulcrum.core.config.RouteMatch;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The compiled form of a {@link RouteMatch}: every condition given must hold. */
final class RouteMatcher {

    private final HostMatcher hosts;
    private final String pathPrefix;
    private final Pattern pathRegex;
    private final String[] methods;
    private final HeaderCondition[] headers;

    RouteMatcher(RouteMatch m) {
        this.hosts = new HostMatcher(m.hosts());
        this.pathPrefix = m.pathPrefix();
        this.pathRegex = m.pathRegex() == null ? null : Pattern.compile(m.pathRegex());
        this.methods = m.methods().stream().map(s -> s.toUpperCase(Locale.ROOT)).toArray(String[]::new);
        List<HeaderCondition> hs = new ArrayList<>();
        for (Map.Entry<String, String> e : m.headers().entrySet()) {
            hs.add(HeaderCondition.of(e.getKey(), e.getValue()));
        }
        this.headers = hs.toArray(HeaderCondition[]::new);
    }

    boolean usesHost() {
        return !hosts.isEmpty();
    }

    boolean usesPath() {
        return pathPrefix != null || pathRegex != null;
    }

    boolean matches(String method, String host, String path, HttpHeaders requestHeaders) {
        if (!hosts.isEmpty() && !hosts.matches(host)) {
            return false;
        }
        if (pathPrefix != null && !path.startsWith(pathPrefix)) {
            return false;
        }
        if (pathRegex != null && !pathRegex.matcher(path).matches()) {
            return false;
        }
        if (methods.length > 0 && !contains(methods, method)) {
            return false;
        }
        for (HeaderCondition h : headers) {
            if (!h.matches(requestHeaders.get(h.name))) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(String[] values, String v) {
        for (String s : values) {
            if (s.equals(v)) {
                return true;
            }
        }
        return false;
    }

    /** One header condition: exact value, or a regular expression when written {@code ~regex}. */
    private record HeaderCondition(String name, String exact, Pattern regex) {

        static HeaderCondition of(String name, String value) {
            if (value != null && value.startsWith("~")) {
                return new HeaderCondition(name, null, Pattern.compile(value.substring(1)));
            }
            return new HeaderCondition(name, value, null);
        }

        boolean matches(String actual) {
            if (actual == null) {
                return false;
            }
            return regex != null ? regex.matcher(actual).matches() : exact.equals(actual);
        }
    }
}
