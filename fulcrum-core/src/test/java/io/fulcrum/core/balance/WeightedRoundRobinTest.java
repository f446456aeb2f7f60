package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WeightedRoundRobinTest {

    private static String sequence(LoadBalancer lb, int picks) {
        TestContext ctx = new TestContext();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < picks; i++) {
            Backend b = lb.pick(ctx);
            out.append(b == null ? "-" : String.valueOf((char) ('A' + b.index())));
        }
        return out.toString();
    }

    @Test
    void weightsThreeAndTwoGiveTheSpecSequence() {
        // cw=3: A; cw=2: A B; cw=1: A B
        LoadBalancer lb = Pools.create("weighted-round-robin", Pools.backends(3, 2));
        assertThat(sequence(lb, 15)).isEqualTo("AABAB".repeat(3));
    }

    @Test
    void descendingEligibleWeightsWithThreeServers() {
        // cw=4: A; cw=3: A B; cw=2: A B C; cw=1: A B C
        LoadBalancer lb = Pools.create("weighted-round-robin", Pools.backends(4, 3, 2));
        assertThat(sequence(lb, 18)).isEqualTo("AABABCABC".repeat(2));
    }

    @Test
    void weightBoundCapsEveryWeight() {
        LoadBalancer lb = BalancerRegistry.create("weighted-round-robin", Pools.spec(Pools.backends(10, 2), 3));
        assertThat(sequence(lb, 10)).isEqualTo("AABAB".repeat(2));
    }

    @Test
    void weightZeroIsNeverChosen() {
        LoadBalancer lb = Pools.create("weighted-round-robin", Pools.backends(0, 2, 0, 1));
        assertThat(sequence(lb, 9)).isEqualTo("BBDBBDBBD");
    }

    @Test
    void allWeightsZeroGivesNoServer() {
        LoadBalancer lb = Pools.create("weighted-round-robin", Pools.backends(0, 0));
        assertThat(lb.pick(new TestContext())).isNull();
    }

    @Test
    void followsWeightChangesAtRunTime() {
        List<Backend> pool = Pools.backends(3, 2);
        LoadBalancer lb = Pools.create("weighted-round-robin", pool);
        assertThat(sequence(lb, 5)).isEqualTo("AABAB");
        pool.get(1).setWeight(3);
        pool.get(0).setWeight(1);
        String s = sequence(lb, 20);
        assertThat(s.chars().filter(c -> c == 'A').count()).isEqualTo(5);
        assertThat(s.chars().filter(c -> c == 'B').count()).isEqualTo(15);
    }

    @Test
    void unselectableServerIsSkippedAndComesBack() {
        List<Backend> pool = Pools.backends(3, 2, 1);
        LoadBalancer lb = Pools.create("weighted-round-robin", pool);
        Pools.eject(pool.get(0));
        assertThat(sequence(lb, 60)).doesNotContain("A");
        pool.get(0).clearEjection();
        pool.get(1).setState(BackendState.DOWN);
        assertThat(sequence(lb, 60)).doesNotContain("B").contains("A", "C");
    }

    @Test
    void skippedTurnsKeepTheOthersRatio() {
        // AABABCABC without A: B and C keep 3:2 rather than B taking every turn of A.
        List<Backend> pool = Pools.backends(4, 3, 2);
        LoadBalancer lb = Pools.create("weighted-round-robin", pool);
        Pools.eject(pool.get(0));
        String s = sequence(lb, 50);
        assertThat(s.chars().filter(c -> c == 'B').count()).isEqualTo(30);
        assertThat(s.chars().filter(c -> c == 'C').count()).isEqualTo(20);
    }

    @Test
    void scheduleIsExactlyOneCycle() {
        List<Backend> pool = Pools.backends(5, 1, 3);
        WeightedRoundRobin wrr = new WeightedRoundRobin(
                new PoolView(pool, 256, ChangeWatch.over(pool)), Tier.PRIMARY);
        CyclicSchedule s = wrr.schedule();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < s.length(); i++) {
            order.add(s.at(i).name());
        }
        // cw=5,4: b0; cw=3,2: b0 b2; cw=1: b0 b1 b2
        assertThat(order).containsExactly("b0", "b0", "b0", "b2", "b0", "b2", "b0", "b1", "b2");
    }
}
