package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.config.HashKeyConfig;

import java.util.List;

/**
 * Everything an algorithm needs to be built for one pool.
 *
 * @param backends        the pool's backends, in configuration order
 * @param hashKey         key of hashing algorithms
 * @param weightBound     cap applied to every weight
 * @param maglevTableSize Maglev lookup table size (prime)
 * @param ringReplicas    hash-ring points per unit of weight
 * @param localSite       the site of this Fulcrum node (locality-preferring algorithms)
 * @param localHost       the host of this Fulcrum node (locality-preferring algorithms)
 */
public record BalancerSpec(List<Backend> backends, HashKeyConfig hashKey, int weightBound, int maglevTableSize,
                           int ringReplicas, String localSite, String localHost) {

    public BalancerSpec {
        backends = List.copyOf(backends);
        hashKey = hashKey == null ? HashKeyConfig.clientIp() : hashKey;
    }

    /** A spec with defaults for everything but the backends. */
    public static BalancerSpec of(List<Backend> backends) {
        return new BalancerSpec(backends, HashKeyConfig.clientIp(), 256, 65537, 160, "local", "localhost");
    }
}
