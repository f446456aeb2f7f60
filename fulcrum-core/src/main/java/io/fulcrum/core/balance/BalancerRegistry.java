package io.fulcrum.core.balance;

import java.util.Set;

/**
 * Creates balancers by their configuration name.
 */
public final class BalancerRegistry {

    private BalancerRegistry() {
    }

    /** Names accepted by {@link #create}. */
    public static Set<String> names() {
        return Set.of("round-robin", "weighted-round-robin", "smooth-weighted-round-robin", "least-connections",
                "least-response-time", "power-of-two", "random", "source-ip-hash", "maglev", "ring-hash",
                "locality-weighted-round-robin");
    }

    /**
     * Builds the named algorithm over a pool.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static LoadBalancer create(String name, BalancerSpec spec) {
        throw new UnsupportedOperationException("not yet implemented: " + name);
    }
}
