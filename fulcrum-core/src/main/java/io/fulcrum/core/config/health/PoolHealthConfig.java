package io.fulcrum.core.config.health;

import java.time.Duration;
import java.util.List;

/**
 * Everything the health service does for one pool ({@code pools[].health}).
 *
 * @param checks          active checks; a backend is up while every check passes
 * @param slowStart       how long a backend that comes back ramps its weight up (0 = at once)
 * @param agent           host agents polled for host metrics (null = none)
 * @param adaptiveWeights the manager's weight loop (null = off)
 * @param rules           time windows in which some backends take no new connections
 * @param schedules       weight and membership sets that take effect at a planned time
 */
public record PoolHealthConfig(List<HealthCheckConfig> checks, Duration slowStart, AgentClientConfig agent,
                               AdaptiveWeightsConfig adaptiveWeights, List<TimeWindowRuleConfig> rules,
                               List<WeightScheduleConfig> schedules) {

    public PoolHealthConfig {
        checks = checks == null ? List.of() : List.copyOf(checks);
        slowStart = slowStart == null ? Duration.ZERO : slowStart;
        rules = rules == null ? List.of() : List.copyOf(rules);
        schedules = schedules == null ? List.of() : List.copyOf(schedules);
    }

    /** No checks, no agents, no adaptive weights. */
    public static PoolHealthConfig none() {
        return new PoolHealthConfig(null, null, null, null, null, null);
    }

    /** Whether the health service has anything to do for this pool. */
    public boolean active() {
        return !checks.isEmpty() || agent != null || (adaptiveWeights != null && adaptiveWeights.enabled())
                || !rules.isEmpty() || !schedules.isEmpty() || !slowStart.isZero();
    }
}
