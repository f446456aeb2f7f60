package io.fulcrum.testsupport.config;

import io.fulcrum.core.config.ConnectConfig;
import io.fulcrum.core.config.ForwardedHeadersConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.Http2Config;
import io.fulcrum.core.config.LimitsConfig;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.TimeoutsConfig;
import io.fulcrum.core.config.TlsConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link ListenerConfig} for a test: a name, where it binds, its routes, and only the
 * fields the test is about; the others keep the record's defaults (plain HTTP, CONNECT
 * refused, no PROXY protocol header read). {@link #build()} is the one place that calls the
 * record's constructor.
 */
public final class ListenerConfigBuilder {

    private final String name;
    private final HostPort bind;
    private String protocol;
    private TimeoutsConfig timeouts;
    private LimitsConfig limits;
    private ForwardedHeadersConfig forwarded;
    private final List<RouteConfig> routes = new ArrayList<>();
    private TlsConfig tls;
    private Http2Config http2;
    private Boolean acceptProxyProtocol;
    private ConnectConfig connect;
    private final List<io.fulcrum.core.config.ErrorPageConfig> errorPages = new ArrayList<>();

    private ListenerConfigBuilder(String name, HostPort bind) {
        this.name = name;
        this.bind = bind;
    }

    /** A listener of this name bound there, with no route yet. */
    public static ListenerConfigBuilder listener(String name, HostPort bind) {
        return new ListenerConfigBuilder(name, bind);
    }

    public ListenerConfigBuilder protocol(String value) {
        this.protocol = value;
        return this;
    }

    public ListenerConfigBuilder timeouts(TimeoutsConfig value) {
        this.timeouts = value;
        return this;
    }

    public ListenerConfigBuilder limits(LimitsConfig value) {
        this.limits = value;
        return this;
    }

    public ListenerConfigBuilder forwarded(ForwardedHeadersConfig value) {
        this.forwarded = value;
        return this;
    }

    /** Adds routes, in order (the first match wins). */
    public ListenerConfigBuilder routes(List<RouteConfig> values) {
        routes.addAll(values);
        return this;
    }

    public ListenerConfigBuilder route(RouteConfig value) {
        routes.add(value);
        return this;
    }

    public ListenerConfigBuilder tls(TlsConfig value) {
        this.tls = value;
        return this;
    }

    public ListenerConfigBuilder http2(Http2Config value) {
        this.http2 = value;
        return this;
    }

    public ListenerConfigBuilder acceptProxyProtocol(Boolean value) {
        this.acceptProxyProtocol = value;
        return this;
    }

    public ListenerConfigBuilder connect(ConnectConfig value) {
        this.connect = value;
        return this;
    }

    public ListenerConfigBuilder errorPage(io.fulcrum.core.config.ErrorPageConfig value) {
        this.errorPages.add(value);
        return this;
    }

    public ListenerConfig build() {
        return new ListenerConfig(name, bind, protocol, timeouts, limits, forwarded, routes, tls, http2,
                acceptProxyProtocol, connect, errorPages);
    }
}
