package io.fulcrum.core.config;

import java.time.Duration;

/**
 * Pooled keep-alive connections from Fulcrum to a pool's backends.
 *
 * @param enabled         reuse backend connections
 * @param maxIdlePerBackend idle connections kept per backend and per event loop
 * @param idleTimeout     an idle pooled connection is closed after this
 */
public record KeepAliveConfig(Boolean enabled, Integer maxIdlePerBackend, Duration idleTimeout) {

    public KeepAliveConfig {
        enabled = enabled == null ? Boolean.TRUE : enabled;
        maxIdlePerBackend = maxIdlePerBackend == null ? 256 : maxIdlePerBackend;
        idleTimeout = idleTimeout == null ? Duration.ofSeconds(50) : idleTimeout;
    }

    public static KeepAliveConfig defaults() {
        return new KeepAliveConfig(null, null, null);
    }
}
