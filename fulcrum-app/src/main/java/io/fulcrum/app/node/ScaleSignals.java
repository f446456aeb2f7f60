package io.fulcrum.app.node;

import io.fulcrum.admin.AdminService;
import io.fulcrum.admin.metrics.LiveStats;
import io.fulcrum.core.backend.Backend;
import io.fulcrum.health.HealthService;
import io.fulcrum.health.agent.AgentReport;
import io.fulcrum.scale.LoadSignals;

/**
 * The autoscaler's readings that other services publish: latency percentiles from the admin
 * statistics, host CPU from the health service's agent reports. It lives here, where the modules
 * meet, so that none of them depends on another.
 */
final class ScaleSignals implements LoadSignals {

    private final AdminService admin;
    private final HealthService health;

    ScaleSignals(AdminService admin, HealthService health) {
        this.admin = admin;
        this.health = health;
    }

    @Override
    public double p99Millis(Backend b) {
        LiveStats.Snapshot s = admin.liveStats(b);
        return s == null ? Double.NaN : s.p99Millis();
    }

    @Override
    public double requestsPerSecond(Backend b) {
        LiveStats.Snapshot s = admin.liveStats(b);
        return s == null ? 0 : s.requestsPerSecond();
    }

    @Override
    public double hostCpuPercent(Backend b) {
        AgentReport r = health.agentReport(b);
        return r == null ? Double.NaN : r.cpuPercent();
    }
}
