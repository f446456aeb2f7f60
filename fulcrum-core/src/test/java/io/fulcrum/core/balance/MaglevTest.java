package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import org.junit.jupiter.api.Test;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

class MaglevTest {

    private static final int SIZE = 65537;

    private static Maglev maglev(List<Backend> pool) {
        return new Maglev(new PoolView(pool, 256, ChangeWatch.over(pool)), Tier.PRIMARY,
                HashKey.of(io.fulcrum.core.config.HashKeyConfig.clientIp()), SIZE);
    }

    private static Map<Backend, Integer> tableCounts(Maglev m) {
        Map<Backend, Integer> counts = new IdentityHashMap<>();
        for (Backend b : m.table().entries()) {
            counts.merge(b, 1, Integer::sum);
        }
        return counts;
    }

    private static void assertSharesWithinOnePercent(Maglev m, List<Backend> members) {
        Map<Backend, Integer> counts = tableCounts(m);
        long total = members.stream().mapToLong(Backend::weight).sum();
        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(members);
        for (Backend b : members) {
            double due = (double) SIZE * b.weight() / total;
            assertThat((double) counts.get(b)).as(b.toString()).isCloseTo(due, within(due * 0.01));
        }
    }

    @Test
    void weightedSharesOfTheTableAreWithinOnePercent() {
        int[] weights = new int[40];
        Random rnd = new Random(7);
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 1 + rnd.nextInt(100);
        }
        List<Backend> pool = Pools.backends(weights);
        assertSharesWithinOnePercent(maglev(pool), pool);
    }

    @Test
    void keysFollowTableShares() {
        List<Backend> pool = Pools.backends(1, 2, 3, 4);
        Backend[] a = HashedKeys.assign(maglev(pool));
        Map<Backend, Integer> counts = HashedKeys.counts(a);
        for (Backend b : pool) {
            double due = HashedKeys.KEYS * b.weight() / 10.0;
            assertThat((double) counts.get(b)).isCloseTo(due, within(6 * Math.sqrt(due)));
        }
    }

    /**
     * Removing one of N equal backends moves only its own keys (about 1/N), and no
     * key moves between two surviving backends: the rebuild starts from the previous
     * table and fills only the freed slots. When it comes back, only keys moving to
     * it move, and the table is exactly the original one again (survivors give up
     * the slots the ideal table gives to the returning backend).
     */
    @Test
    void removalMovesOnlyTheRemovedBackendsKeys() {
        int n = 10;
        int[] weights = new int[n];
        java.util.Arrays.fill(weights, 1);
        List<Backend> pool = Pools.backends(weights);
        Maglev m = maglev(pool);
        Backend[] before = HashedKeys.assign(m);

        Backend gone = pool.get(3);
        gone.setState(BackendState.DOWN);
        Backend[] after = HashedKeys.assign(m);
        int moved = 0;
        for (int i = 0; i < HashedKeys.KEYS; i++) {
            if (before[i] != after[i]) {
                moved++;
                if (before[i] != gone) {
                    fail("key %d moved between survivors: %s -> %s", i, before[i], after[i]);
                }
            }
            if (after[i] == gone) {
                fail("key %d still on the removed backend", i);
            }
        }
        assertThat((double) moved / HashedKeys.KEYS).isCloseTo(1.0 / n, within(0.01));
        assertSharesWithinOnePercent(m, pool.stream().filter(b -> b != gone).toList());

        gone.setState(BackendState.UP);
        Backend[] back = HashedKeys.assign(m);
        for (int i = 0; i < HashedKeys.KEYS; i++) {
            if (back[i] != after[i] && back[i] != gone) {
                fail("key %d moved between survivors on re-add: %s -> %s", i, after[i], back[i]);
            }
        }
        assertThat(back).containsExactly(before);
        assertSharesWithinOnePercent(m, pool);
    }

    @Test
    void weightedRemovalKeepsSurvivorsInPlace() {
        List<Backend> pool = Pools.backends(5, 1, 3, 2, 8, 1, 4);
        Maglev m = maglev(pool);
        Backend[] before = HashedKeys.assign(m);
        Backend gone = pool.get(4);
        gone.setState(BackendState.DRAINING);
        Backend[] after = HashedKeys.assign(m);
        int moved = HashedKeys.movedOnlyFrom(gone, before, after);
        assertThat((double) moved / HashedKeys.KEYS).isCloseTo(8.0 / 24, within(0.01));
    }

    @Test
    void twoRemovalsInEitherOrderNeverMoveSurvivorsAndRestoreTheTable() {
        List<Backend> pool = Pools.backends(3, 1, 4, 1, 5, 9, 2, 6);
        Maglev m = maglev(pool);
        Backend[] original = HashedKeys.assign(m);
        Backend x = pool.get(2);
        Backend y = pool.get(5);
        x.setState(BackendState.DOWN);
        HashedKeys.assign(m);
        y.setState(BackendState.DOWN);
        Backend[] both = HashedKeys.assign(m);
        for (int i = 0; i < HashedKeys.KEYS; i++) {
            if (original[i] != x && original[i] != y && both[i] != original[i]) {
                fail("key %d moved between survivors: %s -> %s", i, original[i], both[i]);
            }
        }
        assertSharesWithinOnePercent(m, pool.stream().filter(b -> b != x && b != y).toList());
        x.setState(BackendState.UP);
        y.setState(BackendState.UP); // both come back before the next pick: one rebuild
        assertThat(HashedKeys.assign(m)).containsExactly(original);
    }

    @Test
    void raisingOneWeightOnlyMovesKeysToIt() {
        List<Backend> pool = Pools.backends(2, 2, 2, 2, 2);
        Maglev m = maglev(pool);
        Backend[] before = HashedKeys.assign(m);
        Backend grown = pool.get(2);
        grown.setWeight(6);
        Backend[] after = HashedKeys.assign(m);
        for (int i = 0; i < HashedKeys.KEYS; i++) {
            if (before[i] != after[i] && after[i] != grown) {
                fail("key %d moved to %s, not to the grown backend", i, after[i]);
            }
        }
        assertSharesWithinOnePercent(m, pool);
    }

    @Test
    void ejectedBackendsKeysProbeDeterministicallyAndReturn() {
        List<Backend> pool = Pools.backends(1, 1, 1, 1, 1);
        Maglev m = maglev(pool);
        Backend[] before = HashedKeys.assign(m);
        Backend ejected = pool.get(1);
        Pools.eject(ejected);
        Backend[] during = HashedKeys.assign(m);
        Backend[] again = HashedKeys.assign(m);
        assertThat(again).containsExactly(during);
        for (int i = 0; i < HashedKeys.KEYS; i++) {
            if (before[i] != ejected ? during[i] != before[i] : during[i] == ejected) {
                fail("key %d: %s during ejection, %s before", i, during[i], before[i]);
            }
        }
        ejected.clearEjection();
        assertThat(HashedKeys.assign(m)).containsExactly(before);
    }

    @Test
    void freshTablesDependOnlyOnNamesOrderAndWeights() {
        // Two nodes building the same pool get the same table.
        assertThat(names(maglev(Pools.backends(3, 1, 2)))).isEqualTo(names(maglev(Pools.backends(3, 1, 2))));
    }

    private static String[] names(Maglev m) {
        return java.util.Arrays.stream(m.table().entries()).map(Backend::name).toArray(String[]::new);
    }

    /** The bulk placement must give exactly what placing every seat one by one gives. */
    @Test
    void apportionmentMatchesTheOneByOneMethod() {
        Random rnd = new Random(8);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + rnd.nextInt(30);
            int[] w = new int[n];
            for (int i = 0; i < n; i++) {
                w[i] = 1 + rnd.nextInt(trial % 3 == 0 ? 3 : 300);
            }
            int seats = n + rnd.nextInt(trial % 2 == 0 ? 50 : 5000);
            assertThat(MaglevTable.apportion(w, seats)).as("weights %s, %d seats", java.util.Arrays.toString(w), seats)
                    .containsExactly(oneByOne(w, seats));
        }
    }

    private static int[] oneByOne(int[] w, int seats) {
        int[] got = new int[w.length];
        for (int k = 0; k < seats; k++) {
            int best = 0;
            for (int i = 1; i < w.length; i++) {
                // w[i] / (2 got[i] + 1) > w[best] / (2 got[best] + 1); ties keep the lower index
                if ((long) w[i] * (2L * got[best] + 1) > (long) w[best] * (2L * got[i] + 1)) {
                    best = i;
                }
            }
            got[best]++;
        }
        return got;
    }

    @Test
    void sainteLagueApportionment() {
        assertThat(MaglevTable.apportion(new int[] {1, 1, 1}, 7)).containsExactly(3, 2, 2);
        assertThat(MaglevTable.apportion(new int[] {3, 2}, 5)).containsExactly(3, 2);
        assertThat(MaglevTable.apportion(new int[] {1, 1, 98}, 100)).containsExactly(1, 1, 98);
    }
}
