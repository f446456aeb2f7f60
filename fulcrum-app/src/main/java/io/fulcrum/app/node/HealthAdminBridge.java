package io.fulcrum.app.node;

import io.fulcrum.admin.spi.MetricImportanceSink;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.lifecycle.NodeService;
import io.fulcrum.health.HealthService;

import java.util.Map;

/**
 * Hands the operator's metric importance (set through the admin API and kept in its state
 * file) to the health service's adaptive weight loop. It lives here, where both modules
 * meet, so that neither depends on the other. It owns no resources: start, apply and close
 * do nothing.
 */
final class HealthAdminBridge implements NodeService, MetricImportanceSink {

    private final HealthService health;

    HealthAdminBridge(HealthService health) {
        this.health = health;
    }

    @Override
    public String name() {
        return "health-admin";
    }

    @Override
    public void start(FulcrumConfig config) {
    }

    @Override
    public void apply(FulcrumConfig config) {
    }

    @Override
    public void close() {
    }

    @Override
    public void metricImportance(String pool, Map<String, Double> importance) {
        health.metricImportance(pool, importance);
    }
}
