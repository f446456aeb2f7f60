package io.fulcrum.app.node;

import io.fulcrum.admin.spi.MetricImportanceSink;
import io.fulcrum.health.HealthService;

import java.util.Map;

/**
 * Hands the operator's metric importance (set through the admin API and kept in its state
 * file) to the health service's adaptive weight loop. It lives here, where both modules
 * meet, so that neither depends on the other.
 */
final class HealthAdminBridge extends AdminBridge implements MetricImportanceSink {

    private final HealthService health;

    HealthAdminBridge(HealthService health) {
        super("health-admin");
        this.health = health;
    }

    @Override
    public void metricImportance(String pool, Map<String, Double> importance) {
        health.metricImportance(pool, importance);
    }
}
