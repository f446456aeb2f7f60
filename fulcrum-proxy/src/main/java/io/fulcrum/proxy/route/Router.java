package io.fulcrum.proxy.route;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

import java.util.List;

/**
 * Finds the first route of a listener whose conditions a request meets.
 *
 * @param <R> what a route resolves to (the runtime's route object)
 */
public final class Router<R> {

    private final RouteMatcher[] matchers;
    private final Object[] targets;
    /** Whether any route looks at the host / the path: when none does, they are not extracted. */
    private final boolean needsHost;
    private final boolean needsPath;

    /** One route condition and its target, in evaluation order. */
    public record Entry<R>(io.fulcrum.core.config.RouteMatch match, R target) {
    }

    public Router(List<Entry<R>> entries) {
        this.matchers = new RouteMatcher[entries.size()];
        this.targets = new Object[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            matchers[i] = new RouteMatcher(entries.get(i).match());
            targets[i] = entries.get(i).target();
        }
        this.needsHost = java.util.Arrays.stream(matchers).anyMatch(RouteMatcher::usesHost);
        this.needsPath = java.util.Arrays.stream(matchers).anyMatch(RouteMatcher::usesPath);
    }

    /** The first matching route's target, or {@code null} when none matches (the caller answers 404). */
    @SuppressWarnings("unchecked")
    public R route(HttpRequest request) {
        if (matchers.length == 0) {
            return null;
        }
        String path = needsPath ? pathOf(request.uri()) : null;
        String host = needsHost ? HostMatcher.normalize(hostOf(request)) : null;
        String method = request.method().name();
        for (int i = 0; i < matchers.length; i++) {
            if (matchers[i].matches(method, host, path, request.headers())) {
                return (R) targets[i];
            }
        }
        return null;
    }

    /** The Host header, or the authority of an absolute-form request target. */
    public static String hostOf(HttpRequest request) {
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (host != null) {
            return host;
        }
        String uri = request.uri();
        int scheme = uri.indexOf("://");
        if (scheme > 0) {
            int start = scheme + 3;
            int end = uri.indexOf('/', start);
            return end < 0 ? uri.substring(start) : uri.substring(start, end);
        }
        return null;
    }

    /** The path part of a request target (no query), for origin-form and absolute-form alike. */
    public static String pathOf(String uri) {
        int start = 0;
        int scheme = uri.indexOf("://");
        if (scheme > 0 && uri.charAt(0) != '/') {
            int slash = uri.indexOf('/', scheme + 3);
            if (slash < 0) {
                return "/";
            }
            start = slash;
        }
        int q = uri.indexOf('?', start);
        int end = q < 0 ? uri.length() : q;
        int hash = uri.indexOf('#', start);
        if (hash >= 0 && hash < end) {
            end = hash;
        }
        return start == 0 && end == uri.length() ? uri : uri.substring(start, end);
    }
}
