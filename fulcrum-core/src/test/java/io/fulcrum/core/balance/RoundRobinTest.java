package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RoundRobinTest {

    @Test
    void takesTurnsIgnoringWeightsButSkippingZero() {
        LoadBalancer lb = Pools.create("round-robin", Pools.backends(5, 0, 1, 2));
        TestContext ctx = new TestContext();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            s.append(lb.pick(ctx).index());
        }
        assertThat(s).hasToString("023023023");
    }

    @Test
    void skippedMemberDoesNotDoubleItsNeighbour() {
        List<Backend> pool = Pools.backends(1, 1, 1, 1);
        LoadBalancer lb = Pools.create("round-robin", pool);
        Pools.eject(pool.get(1));
        TestContext ctx = new TestContext();
        int[] counts = new int[4];
        for (int i = 0; i < 300; i++) {
            counts[lb.pick(ctx).index()]++;
        }
        assertThat(counts).containsExactly(100, 0, 100, 100);
    }

    @Test
    void unavailableTurnGoesToTheNext() {
        List<Backend> pool = Pools.backends(1, 1, 1);
        LoadBalancer lb = Pools.create("round-robin", pool);
        Pools.fill(pool.get(1));
        TestContext ctx = new TestContext();
        for (int i = 0; i < 30; i++) {
            assertThat(lb.pick(ctx)).isNotSameAs(pool.get(1));
        }
        pool.get(1).requestFinished();
        boolean seen = false;
        for (int i = 0; i < 3; i++) {
            seen |= lb.pick(ctx) == pool.get(1);
        }
        assertThat(seen).isTrue();
    }
}
