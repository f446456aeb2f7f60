package io.fulcrum.health;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.health.agent.AgentReport;
import io.fulcrum.health.check.ScheduledCheck;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the health service knows about one backend of one pool: its checks, its agent's
 * latest report, its slow-start ramp and its adaptive weight.
 */
final class BackendHealth {

    final Backend backend;
    final long createdNanos = System.nanoTime();
    volatile List<ScheduledCheck> checks = List.of();

    volatile AgentReport report;
    volatile long lastReportNanos;
    volatile boolean agentStale;
    volatile String agentError = "";
    final AtomicBoolean pollInFlight = new AtomicBoolean();

    /** Start of the current slow-start ramp (System.nanoTime()), 0 = none. */
    volatile long slowStartSince;
    /** Whether it could take requests at the previous tick (null before the first tick). */
    Boolean wasAvailable;
    /** It joined a pool already monitored and has not taken requests yet (its slow start says so). */
    boolean joining;
    /** Whether it was ejected by passive health at the previous tick. */
    boolean wasEjected;

    /** Latest adaptive weight, -1 before the loop has computed one. */
    volatile int adaptiveWeight = -1;
    volatile String adaptiveReason = "";
    /**
     * The weight the cluster controller last set, -1 before it set one: kept here because a hold
     * or a slow start replaces the effective weight, and the controller's must come back after.
     */
    volatile int controllerWeight = -1;
    volatile String controllerReason = "";
    long lastTotalRequests = -1;
    long lastDelta;
    String lastHold;

    BackendHealth(Backend backend) {
        this.backend = backend;
    }

    private long ejectionSeen;
    private int passesSinceEjection;

    /**
     * Counts check passes since the backend's current passive ejection began (a
     * failure restarts the count); 0 when it is not ejected.
     */
    synchronized int passedSinceEjection(boolean ok, long now) {
        if (!backend.isEjected(now)) {
            return 0;
        }
        long until = backend.ejectedUntilNanos();
        if (until != ejectionSeen) {
            ejectionSeen = until;
            passesSinceEjection = 0;
        }
        passesSinceEjection = ok ? passesSinceEjection + 1 : 0;
        return passesSinceEjection;
    }

    /** Whether every check's verdict is up. */
    boolean checksUp() {
        for (ScheduledCheck c : checks) {
            if (!c.verdict().up()) {
                return false;
            }
        }
        return true;
    }

    /** The service metric: the first check's time-weighted average, or -1. */
    long serviceNanos() {
        for (ScheduledCheck c : checks) {
            long v = c.average().get();
            if (v > 0) {
                return v;
            }
        }
        return -1;
    }

    /** Whether a check's latest probe timed out (the service metric then holds new connections). */
    String probeTimeout() {
        for (ScheduledCheck c : checks) {
            var r = c.last();
            if (r != null && r.timedOut()) {
                return c.type() + " probe timed out";
            }
        }
        return null;
    }
}
