package io.fulcrum.admin.spi;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * A node service that publishes its own Prometheus metrics on {@code /metrics} (for
 * example the DNS server: queries by type, rcode and policy). The admin service calls
 * {@link #registerMetrics} once, when it starts, for every service that implements this.
 */
public interface MetricsSource {

    /** Registers this service's collectors (callbacks or instruments it updates itself). */
    void registerMetrics(PrometheusRegistry registry);
}
