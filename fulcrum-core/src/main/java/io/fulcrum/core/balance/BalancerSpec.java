package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

import java.util.List;

/**
 * The pool an algorithm is built for; the algorithm's own settings come with its name
 * (see {@link BalancerFactory}).
 *
 * @param backends    the pool's backends, in configuration order
 * @param weightBound cap applied to every weight
 * @param localSite   the site of this Fulcrum node (locality-preferring algorithms)
 * @param localHost   the host of this Fulcrum node (locality-preferring algorithms)
 */
public record BalancerSpec(List<Backend> backends, int weightBound, String localSite, String localHost) {

    public BalancerSpec {
        backends = List.copyOf(backends);
    }

    /** A spec with defaults for everything but the backends. */
    public static BalancerSpec of(List<Backend> backends) {
        return new BalancerSpec(backends, 256, "local", "localhost");
    }
}
