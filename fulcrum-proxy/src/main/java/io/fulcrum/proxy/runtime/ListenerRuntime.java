package io.fulcrum.proxy.runtime;

import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.proxy.route.Router;
import io.fulcrum.proxy.tls.TlsRuntime;

/**
 * A compiled listener: its router and its settings pre-converted for the hot path.
 */
public final class ListenerRuntime {

    private final ListenerConfig config;
    private final Router<RouteRuntime> router;
    private final long headerReadNanos;
    private final long idleNanos;
    private final long requestNanos;

    private final java.util.List<RouteRuntime> routes;
    private final TlsRuntime tls;
    private final ErrorPages errorPages;
    private final String requestIdHeader;

    ListenerRuntime(ListenerConfig config, Router<RouteRuntime> router, java.util.List<RouteRuntime> routes) {
        this(config, router, routes, null);
    }

    ListenerRuntime(ListenerConfig config, Router<RouteRuntime> router, java.util.List<RouteRuntime> routes,
                    TlsRuntime tls) {
        this(config, router, routes, tls, ErrorPages.NONE);
    }

    ListenerRuntime(ListenerConfig config, Router<RouteRuntime> router, java.util.List<RouteRuntime> routes,
                    TlsRuntime tls, ErrorPages errorPages) {
        this.config = config;
        this.errorPages = errorPages;
        var requestId = config.forwarded().requestId();
        this.requestIdHeader = requestId.enabled() ? requestId.header() : null;
        this.tls = tls;
        this.router = router;
        this.routes = java.util.List.copyOf(routes);
        this.headerReadNanos = config.timeouts().headerRead().toNanos();
        this.idleNanos = config.timeouts().idle().toNanos();
        this.requestNanos = config.timeouts().request().toNanos();
    }

    public String name() { return config.name(); }
    public ListenerConfig config() { return config; }
    public Router<RouteRuntime> router() { return router; }
    /** The routes in evaluation order. */
    public java.util.List<RouteRuntime> routes() { return routes; }
    /** 0 = no limit. */
    public long headerReadNanos() { return headerReadNanos; }
    /** 0 = no limit. */
    public long idleNanos() { return idleNanos; }
    /** 0 = no limit. */
    public long requestNanos() { return requestNanos; }
    public long maxBodyBytes() { return config.limits().maxBodyBytes(); }
    public boolean xForwarded() { return config.forwarded().xForwarded(); }
    public boolean forwardedHeader() { return config.forwarded().forwarded(); }
    public boolean via() { return config.forwarded().via(); }
    /** The scheme clients use on this listener, as told to backends in X-Forwarded-Proto and Forwarded. */
    public String scheme() { return tls != null ? "https" : "http"; }
    /** The compiled TLS settings, or {@code null} for a plain-HTTP listener. */
    public TlsRuntime tls() { return tls; }
    /** The operator's own bodies for the proxy's answers. */
    public ErrorPages errorPages() { return errorPages; }
    /** The header the request id travels in, or {@code null} when request ids are off. */
    public String requestIdHeader() { return requestIdHeader; }
}
