package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SmoothWeightedRoundRobinTest {

    private static String sequence(LoadBalancer lb, int picks) {
        TestContext ctx = new TestContext();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < picks; i++) {
            out.append((char) ('a' + lb.pick(ctx).index()));
        }
        return out.toString();
    }

    @Test
    void matchesNginxSequence() {
        // NGINX's documented example: weights 5, 1, 1 give a a b a c a a.
        LoadBalancer lb = Pools.create("smooth-weighted-round-robin", Pools.backends(5, 1, 1));
        assertThat(sequence(lb, 14)).isEqualTo("aabacaa".repeat(2));
    }

    @Test
    void interleavesInsteadOfBursting() {
        LoadBalancer lb = Pools.create("smooth-weighted-round-robin", Pools.backends(3, 2));
        assertThat(sequence(lb, 10)).isEqualTo("ababa".repeat(2));
    }

    @Test
    void ejectedServerLosesItsTurns() {
        List<Backend> pool = Pools.backends(5, 1, 1);
        LoadBalancer lb = Pools.create("smooth-weighted-round-robin", pool);
        Pools.eject(pool.get(0));
        // Its turns are skipped, not handed to the next in line: b and c keep sharing equally.
        String s = sequence(lb, 70);
        assertThat(s).doesNotContain("a");
        assertThat(s.chars().filter(c -> c == 'b').count()).isEqualTo(35);
    }

    @Test
    void allZeroGivesNull() {
        assertThat(Pools.create("smooth-weighted-round-robin", Pools.backends(0, 0, 0)).pick(new TestContext())).isNull();
    }
}
