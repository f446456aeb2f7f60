package io.fulcrum.core.backend;

/** Where a backend's effective weight comes from (shown by the admin API). */
public enum WeightOrigin {
    /** The configured weight, untouched. */
    CONFIGURED,
    /** A weight the adaptive loop may not change (configured as fixed). */
    FIXED,
    /** Computed by the manager's adaptive weight loop. */
    ADAPTIVE,
    /** Published by the cluster's controller from every node's load (or computed here from its aggregates). */
    CONTROLLER,
    /** Ramping up after the backend came back. */
    SLOW_START,
    /** Taken from a scheduled weight set. */
    SCHEDULE,
    /** Held at 0 (no new connections): a time-window rule, a missing agent report or a timed-out probe. */
    HOLD,
    /** Set by an operator. */
    OPERATOR
}
