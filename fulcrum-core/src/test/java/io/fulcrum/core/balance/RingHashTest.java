package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.config.HashKeyConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

class RingHashTest {

    private static RingHash ring(List<Backend> pool, int replicas) {
        return new RingHash(new PoolView(pool, 256, ChangeWatch.over(pool)), Tier.PRIMARY,
                HashKey.of(HashKeyConfig.clientIp()), replicas);
    }

    @Test
    void sharesFollowWeights() {
        List<Backend> pool = Pools.backends(1, 2, 3, 4);
        Backend[] a = HashedKeys.assign(ring(pool, 160));
        Map<Backend, Integer> counts = HashedKeys.counts(a);
        for (Backend b : pool) {
            double due = HashedKeys.KEYS * b.weight() / 10.0;
            // 160 points per unit of weight: arcs vary by about 1/sqrt(points)
            assertThat((double) counts.get(b)).as(b.toString()).isCloseTo(due, within(due * 0.25));
        }
    }

    /**
     * A backend going down removes only its own points: its keys move to the next
     * points (about its share), and no key moves between two surviving backends.
     * When it comes back, every key returns exactly (the ring depends only on the
     * members and weights).
     */
    @Test
    void removalMovesOnlyTheRemovedBackendsKeys() {
        int n = 10;
        int[] weights = new int[n];
        java.util.Arrays.fill(weights, 1);
        List<Backend> pool = Pools.backends(weights);
        RingHash r = ring(pool, 160);
        Backend[] before = HashedKeys.assign(r);
        Backend gone = pool.get(6);
        gone.setState(BackendState.DOWN);
        Backend[] after = HashedKeys.assign(r);
        int moved = HashedKeys.movedOnlyFrom(gone, before, after);
        assertThat((double) moved / HashedKeys.KEYS).isCloseTo(1.0 / n, within(0.03));
        gone.setState(BackendState.UP);
        assertThat(HashedKeys.assign(r)).containsExactly(before);
    }

    @Test
    void pointsAreCappedAndEveryMemberKeepsOne() {
        int[] weights = new int[200];
        java.util.Arrays.fill(weights, 100);
        weights[0] = 1;
        List<Backend> pool = Pools.backends(weights);
        HashRing ring = ring(pool, 160).ring();
        assertThat(ring.size()).isLessThanOrEqualTo(HashRing.MAX_POINTS + pool.size());
        boolean ownsOne = false;
        for (int i = 0; i < ring.size(); i++) {
            ownsOne |= ring.owner(i) == pool.get(0);
        }
        assertThat(ownsOne).isTrue();
    }

    @Test
    void lookupFindsTheFirstPointAtOrAfterTheKeyAndWraps() {
        List<Backend> pool = Pools.backends(1, 1, 1);
        HashRing ring = ring(pool, 50).ring();
        Random rnd = new Random(1);
        for (int k = 0; k < 2_000; k++) {
            long key = rnd.nextLong();
            int i = ring.find(key);
            // brute force over all points
            int expected = -1;
            long masked = key & ~((1L << HashRing.OWNER_BITS) - 1);
            long best = 0;
            for (int j = 0; j < ring.size(); j++) {
                long p = pointAt(ring, j);
                if (p >= masked && (expected < 0 || p < best)) {
                    expected = j;
                    best = p;
                }
            }
            if (i != (expected < 0 ? 0 : expected)) {
                fail("key %d: found point %d, expected %d", key, i, expected);
            }
        }
    }

    private static long pointAt(HashRing ring, int index) {
        // points are sorted; find() of a point returns that point's index, so probe it through find
        try {
            java.lang.reflect.Field f = HashRing.class.getDeclaredField("points");
            f.setAccessible(true);
            return ((long[]) f.get(ring))[index];
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void ejectedBackendsKeysWalkOnAndReturn() {
        List<Backend> pool = Pools.backends(1, 1, 1, 1);
        RingHash r = ring(pool, 160);
        Backend[] before = HashedKeys.assign(r);
        Pools.eject(pool.get(2));
        Backend[] during = HashedKeys.assign(r);
        for (int i = 0; i < HashedKeys.KEYS; i++) {
            Backend ejected = pool.get(2);
            if (before[i] != ejected ? during[i] != before[i] : during[i] == ejected) {
                fail("key %d: %s during ejection, %s before", i, during[i], before[i]);
            }
        }
        pool.get(2).clearEjection();
        assertThat(HashedKeys.assign(r)).containsExactly(before);
    }
}
