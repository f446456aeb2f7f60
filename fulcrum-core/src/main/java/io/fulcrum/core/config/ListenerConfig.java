package io.fulcrum.core.config;

import java.util.List;

/**
 * One address Fulcrum accepts HTTP traffic on, with the routes that send each
 * request to a pool.
 *
 * @param name      unique name (appears in logs and metrics)
 * @param bind      {@code host:port} to listen on
 * @param protocol  {@code http} for now
 * @param timeouts  client-side timeouts
 * @param limits    request size and connection limits
 * @param forwarded which forwarding headers are added to requests sent to backends
 * @param routes    evaluated in order; the first match wins
 * @param tls       TLS termination, or {@code null} for plain HTTP
 * @param http2     HTTP/2 towards clients (h2 through ALPN, h2c) and its limits
 * @param acceptProxyProtocol read a PROXY protocol v1 or v2 header first on every connection; its client
 *                  address is then used for X-Forwarded-For, Forwarded and the access log
 * @param connect   whether HTTP/1.1 CONNECT opens a TCP tunnel to a backend (off by default: refused)
 * @param errorPages bodies of the operator's own for the statuses Fulcrum answers itself (502, 503...)
 */
public record ListenerConfig(
        @Required String name,
        @Required HostPort bind,
        String protocol,
        TimeoutsConfig timeouts,
        LimitsConfig limits,
        ForwardedHeadersConfig forwarded,
        List<RouteConfig> routes,
        TlsConfig tls,
        Http2Config http2,
        Boolean acceptProxyProtocol,
        ConnectConfig connect,
        List<ErrorPageConfig> errorPages) {

    public ListenerConfig {
        http2 = http2 == null ? Http2Config.defaults() : http2;
        protocol = protocol == null ? "http" : protocol;
        timeouts = timeouts == null ? TimeoutsConfig.defaults() : timeouts;
        limits = limits == null ? LimitsConfig.defaults() : limits;
        forwarded = forwarded == null ? ForwardedHeadersConfig.defaults() : forwarded;
        routes = routes == null ? List.of() : List.copyOf(routes);
        acceptProxyProtocol = acceptProxyProtocol != null && acceptProxyProtocol;
        connect = connect == null ? ConnectConfig.defaults() : connect;
        errorPages = errorPages == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(errorPages));
    }
}
