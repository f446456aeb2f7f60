package io.fulcrum.app.node;

import io.fulcrum.admin.spi.MetricsSource;
import io.fulcrum.core.scale.ScaleControl;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The autoscaler's sizes on {@code /metrics}: {@code fulcrum_pool_current_size} and
 * {@code fulcrum_pool_desired_size} per autoscaled pool.
 */
final class ScaleMetrics extends AdminBridge implements MetricsSource {

    private final ScaleControl scale;

    ScaleMetrics(ScaleControl scale) {
        super("scale-metrics");
        this.scale = scale;
    }

    @Override
    public void registerMetrics(PrometheusRegistry registry) {
        GaugeWithCallback.builder().name("fulcrum_pool_current_size")
                .help("Members of an autoscaled pool in service (not draining).").labelNames("pool")
                .callback(cb -> scale.sizes().forEach(s -> cb.call(s.current(), s.pool()))).register(registry);
        GaugeWithCallback.builder().name("fulcrum_pool_desired_size")
                .help("The size the autoscaler is bringing the pool to.").labelNames("pool")
                .callback(cb -> scale.sizes().forEach(s -> cb.call(s.desired(), s.pool()))).register(registry);
    }
}
