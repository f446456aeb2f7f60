package io.fulcrum.cluster.member;

import java.util.Locale;

/**
 * A member's state as every node's {@link Membership} sees it. {@link #REMOVED} and
 * {@link #FAILED} both mean gone, and differ as they do for backends: removed is on
 * purpose (the node drained and deregistered), failed is not (its lease expired: it
 * crashed, or lost etcd for longer than its lease).
 */
public enum MemberState {
    /** Registered and serving. */
    UP,
    /** Leaving on purpose: finishes what it has, gets no new traffic. */
    DRAINING,
    /** Deregistered on purpose (after draining). */
    REMOVED,
    /** Its lease expired without a clean leave. */
    FAILED;

    /** Whether it takes new traffic. */
    public boolean live() {
        return this == UP;
    }

    /** The state of a registration that is present in etcd. */
    static MemberState ofRegistered(String registered) {
        return switch (registered) {
            case Member.DRAINING -> DRAINING;
            case Member.LEAVING -> REMOVED;
            default -> UP;
        };
    }

    /** Lower-case name, as the API and events show it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
