package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;


/**
 * NGINX's smooth weighted round robin: every pick, each server's current value
 * grows by its weight, the largest wins (first in list order on ties) and loses
 * the total weight. Weights 5, 1, 1 give a a b a c a a: heavy servers are
 * interleaved instead of served in bursts.
 *
 * <p>The sequence repeats after exactly sum-of-weights picks (every current
 * value is back to zero), so instead of running the O(n) step under a lock per
 * pick, one whole period is simulated when the pool changes and served from a
 * {@link CyclicSchedule}: a pick is a cursor increment and an array read. The
 * build costs O(period x n); pools where that exceeds about 16 million steps are
 * scheduled with proportionally reduced weights.
 */
final class SmoothWeightedRoundRobin implements Selector {

    private static final long MAX_BUILD_STEPS = 1L << 24;

    private final Tier tier;
    private final LazyTable<CyclicSchedule> schedule;
    private final StripedCursor cursor = new StripedCursor();

    SmoothWeightedRoundRobin(PoolView pool, Tier tier) {
        this.tier = tier;
        this.schedule = pool.table(tier, (members, previous) -> build(members));
    }

    @Override
    public Backend select(PickContext ctx, long nowNanos) {
        CyclicSchedule s = schedule.get();
        if (s.length() == 0) {
            return null;
        }
        return s.pick(cursor, tier, nowNanos);
    }

    /** The current period (tests). */
    CyclicSchedule schedule() {
        return schedule.get();
    }

    static CyclicSchedule build(Members m) {
        int n = m.size();
        if (n == 0) {
            return new CyclicSchedule(m, new Backend[0]);
        }
        long limit = Math.min(CyclicSchedule.MAX_LENGTH, Math.max(n, MAX_BUILD_STEPS / n));
        int[] w = m.weightsScaledTo(limit);
        long total = 0;
        for (int x : w) {
            total += x;
        }
        long[] current = new long[n];
        Backend[] order = new Backend[(int) total];
        for (int step = 0; step < order.length; step++) {
            int best = 0;
            for (int i = 0; i < n; i++) {
                current[i] += w[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            order[step] = m.backend(best);
        }
        return new CyclicSchedule(m, order);
    }
}
