package io.fulcrum.proxy.runtime;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.balance.BalancerRegistry;
import io.fulcrum.core.balance.BalancerSpec;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.proxy.testing.TestConfigs;

import java.util.List;

/** Pool runtimes over given backend objects, for unit tests of the request path's pieces. */
public final class PoolRuntimes {

    private PoolRuntimes() {
    }

    /** A round-robin pool named {@code p} of {@code backends} with default settings and an empty queue. */
    public static PoolRuntime of(List<Backend> backends) {
        return of(TestConfigs.pool("p", "round-robin", List.of()), backends);
    }

    /** A pool of {@code backends} with the settings of {@code config}, round robin and an empty queue. */
    public static PoolRuntime of(PoolConfig config, List<Backend> backends) {
        return new PoolRuntime(config, backends,
                BalancerRegistry.create("round-robin", BalancerSpec.of(backends)), new WaitQueue(16));
    }
}
