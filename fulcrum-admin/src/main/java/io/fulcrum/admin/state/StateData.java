package io.fulcrum.admin.state;

import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.StickinessConfig;

import java.util.List;
import java.util.Map;

/**
 * The operator's changes as written to the state file (JSON). Everything is keyed by
 * name, so the file reads well and survives configuration edits that keep the names.
 *
 * @param backends   per {@code pool/backend}: a state and/or a fixed weight set through the API
 * @param added      per pool: backends added through the API
 * @param removed    {@code pool/backend} names removed through the API
 * @param stickiness per {@code listener/route}: stickiness set through the API
 * @param importance per pool: metric importance set through the API
 */
public record StateData(Map<String, BackendOverride> backends, Map<String, List<BackendConfig>> added,
                        List<String> removed, Map<String, StickinessConfig> stickiness,
                        Map<String, Map<String, Double>> importance) {

    public StateData {
        backends = backends == null ? Map.of() : Map.copyOf(backends);
        added = added == null ? Map.of() : Map.copyOf(added);
        removed = removed == null ? List.of() : List.copyOf(removed);
        stickiness = stickiness == null ? Map.of() : Map.copyOf(stickiness);
        importance = importance == null ? Map.of() : Map.copyOf(importance);
    }

    /** No changes. */
    public static StateData empty() {
        return new StateData(null, null, null, null, null);
    }

    /** Whether there is nothing to lay over a configuration. */
    public boolean isEmpty() {
        return backends.isEmpty() && added.isEmpty() && removed.isEmpty() && stickiness.isEmpty();
    }

    /**
     * What the operator set on one backend.
     *
     * @param state  {@code up}, {@code draining}, {@code disabled} or {@code down} (failed); {@code null} = as configured
     * @param weight a fixed weight; {@code null} = as configured (adaptive when a weight manager runs)
     * @param from   when {@code state} takes effect; {@code null} = at once. Until then the configured
     *               state applies (a drain with a deadline takes new sessions until it)
     */
    public record BackendOverride(String state, Integer weight, java.time.Instant from) {

        /** An override in force at once. */
        public BackendOverride(String state, Integer weight) {
            this(state, weight, null);
        }

        public boolean isEmpty() {
            return state == null && weight == null;
        }

        /** The state in force at {@code now}: {@code state}, or {@code null} (as configured) before {@code from}. */
        public String stateAt(java.time.Instant now) {
            return from == null || !now.isBefore(from) ? state : null;
        }
    }
}
