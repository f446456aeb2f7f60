package io.fulcrum.core.config;

import java.util.Map;

/**
 * One backend server of a pool.
 *
 * @param name           unique within the pool; defaults to the address
 * @param address        {@code host:port}
 * @param weight         share of new requests relative to the others; 0 = never picked
 * @param maxConnections most concurrent requests sent to it; 0 = unlimited
 * @param site           the site it runs in (locality-aware balancing)
 * @param host           the host it runs on (locality-aware balancing)
 * @param labels         free-form labels
 * @param state          {@code up}, {@code down}, {@code draining}, {@code disabled} or {@code backup}
 */
public record BackendConfig(String name, @Required HostPort address, Integer weight, Integer maxConnections, String site,
                            String host, Map<String, String> labels, String state) {

    public BackendConfig {
        name = name == null && address != null ? address.toString() : name;
        weight = weight == null ? 1 : weight;
        maxConnections = maxConnections == null ? 0 : maxConnections;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        state = state == null ? "up" : state;
    }
}
