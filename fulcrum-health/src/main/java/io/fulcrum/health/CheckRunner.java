package io.fulcrum.health;

import io.fulcrum.core.config.health.HealthCheckConfig;
import io.fulcrum.health.check.CheckResult;
import io.fulcrum.health.check.HealthCheck;
import io.fulcrum.health.check.HealthChecks;
import io.fulcrum.health.check.RiseFall;
import io.fulcrum.health.check.TimeWeightedAverage;

/**
 * One configured check applied to one backend: the check itself, its rise/fall
 * verdict, the time-weighted average of its total time and its latest result.
 */
final class CheckRunner {

    final HealthCheckConfig config;
    final HealthCheck check;
    final RiseFall verdict;
    final TimeWeightedAverage average;
    volatile CheckResult last;
    /** Which schedule chain is current; an older chain stops at its next step. */
    volatile int generation;

    CheckRunner(HealthCheckConfig config) {
        this.config = config;
        this.check = HealthChecks.create(config);
        this.verdict = new RiseFall(config.rise(), config.fall());
        // Remember roughly the last ten checks' worth of time.
        this.average = new TimeWeightedAverage(config.interval().toNanos() * 10);
    }
}
