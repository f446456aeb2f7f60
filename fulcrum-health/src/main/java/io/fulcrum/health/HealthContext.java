package io.fulcrum.health;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.health.agent.AgentClient;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/** What a {@link PoolMonitor} uses from the service that owns it. */
interface HealthContext {

    /** Timing only: tasks here hand their work to {@link #workers()} at once. */
    ScheduledExecutorService scheduler();

    /** Virtual threads where checks and agent polls block. */
    ExecutorService workers();

    EventLog events();

    AgentClient agents();

    /** Removes sticky entries of failed backends now, instead of at the next housekeeping pass. */
    void purgeSessions();

    /** The health service stops managing {@code backend}: health verdict and weight go back to the configuration. */
    void release(Backend backend);

    /** Whether an operator fixed this backend's weight (the adaptive loop leaves it alone). */
    default boolean operatorFixed(String pool, String backend) {
        return false;
    }

    /** The operator's importance of each metric class for the pool, or {@code null} for the configured one. */
    default java.util.Map<String, Double> importanceOverride(String pool) {
        return null;
    }
}
