package io.fulcrum.core.config;

import java.util.List;

/**
 * Whether a listener opens TCP tunnels for HTTP/1.1 {@code CONNECT} requests (RFC 9110 §9.3.6).
 * Off by default: a listener that has not opted in refuses CONNECT with 501.
 *
 * <p>When on, {@code CONNECT host:port} is routed by its target as Host (a route's path
 * condition never matches it: it has no path); the proxy opens a TCP connection to a backend
 * of the matched route's pool, answers {@code 200} once it is up and then relays bytes both
 * ways, as Envoy's terminating CONNECT does. The requested port must be one of
 * {@code allowedPorts} (else 403), so the listener cannot be used to reach arbitrary services.
 *
 * @param enabled      open tunnels for CONNECT on this listener
 * @param allowedPorts the ports a CONNECT target may name; default {@code [443]}
 */
public record ConnectConfig(Boolean enabled, List<Integer> allowedPorts) {

    /** The port a CONNECT target may name when {@code allowedPorts} is not written. */
    public static final int DEFAULT_PORT = 443;

    public ConnectConfig {
        enabled = enabled != null && enabled;
        allowedPorts = allowedPorts == null ? List.of(DEFAULT_PORT) : List.copyOf(allowedPorts);
    }

    /** CONNECT refused (the default). */
    public static ConnectConfig defaults() {
        return new ConnectConfig(null, null);
    }

    /** Whether a CONNECT target may name {@code port}. */
    public boolean allows(int port) {
        return allowedPorts.contains(port);
    }
}
