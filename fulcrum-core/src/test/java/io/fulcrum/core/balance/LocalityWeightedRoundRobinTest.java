package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LocalityWeightedRoundRobinTest {

    private static String sequence(LoadBalancer lb, int picks) {
        TestContext ctx = new TestContext();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < picks; i++) {
            out.append(lb.pick(ctx).index());
        }
        return out.toString();
    }

    @Test
    void prefersSameHostThenSameSiteThenAll() {
        List<Backend> pool = Pools.backends(1, 3, 2, 1, 1);
        pool.get(0).setLocality("eu-1", "node-a");
        pool.get(1).setLocality("eu-1", "node-b");
        pool.get(2).setLocality("eu-1", "node-b");
        pool.get(3).setLocality("us-1", "node-x");
        pool.get(4).setLocality("us-1", "node-b"); // same host name, other site: still "same host"
        LoadBalancer lb = BalancerRegistry.create("locality-weighted-round-robin",
                new BalancerSpec(pool, 256, "eu-1", "node-b"));

        // same host: b1 (3), b2 (2), b4 (1) by WRR: cw3: 1; cw2: 1 2; cw1: 1 2 4
        assertThat(sequence(lb, 12)).isEqualTo("112124".repeat(2));

        pool.get(1).setState(BackendState.DOWN);
        pool.get(2).setState(BackendState.DRAINING);
        Pools.eject(pool.get(4));
        // same site: only b0 left
        assertThat(sequence(lb, 4)).isEqualTo("0000");

        pool.get(0).setState(BackendState.DISABLED);
        // anything: b3
        assertThat(sequence(lb, 3)).isEqualTo("333");

        pool.get(4).clearEjection();
        assertThat(sequence(lb, 3)).isEqualTo("444");
    }

    @Test
    void withoutLocalityInformationItIsWeightedRoundRobin() {
        List<Backend> pool = Pools.backends(3, 2);
        assertThat(sequence(Pools.create("locality-weighted-round-robin", pool), 10)).isEqualTo("00101".repeat(2));
    }
}
