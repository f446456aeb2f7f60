package io.fulcrum.core.retry;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.config.PassiveHealthConfig;

/**
 * A pool's passive-health settings as one failed attempt applies them: the failure is counted
 * on the backend, and the backend is ejected after the configured run of consecutive failures,
 * for a period that doubles with each ejection up to the maximum. Immutable; made once per
 * compiled pool or listener, not per failure.
 */
public final class Ejection {

    private final boolean enabled;
    private final int consecutiveFailures;
    private final long ejectNanos;
    private final long maxEjectNanos;

    private Ejection(boolean enabled, int consecutiveFailures, long ejectNanos, long maxEjectNanos) {
        this.enabled = enabled;
        this.consecutiveFailures = consecutiveFailures;
        this.ejectNanos = ejectNanos;
        this.maxEjectNanos = maxEjectNanos;
    }

    /** The policy of a pool's {@code passiveHealth} settings. */
    public static Ejection of(PassiveHealthConfig ph) {
        return new Ejection(ph.enabled(), ph.consecutiveFailures(), ph.ejectTime().toNanos(),
                ph.maxEjectTime().toNanos());
    }

    /** Whether passive health is on (failures may eject). */
    public boolean enabled() {
        return enabled;
    }

    /** Consecutive failures that eject a backend. */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    /**
     * Counts one failed attempt at {@code b}; with passive health off the failure is counted
     * but never ejects.
     *
     * @return whether this failure ejected {@code b}
     */
    public boolean recordFailure(Backend b, long nowNanos) {
        return b.recordFailure(nowNanos, enabled ? consecutiveFailures : 0, ejectNanos, maxEjectNanos);
    }
}
