package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

import java.util.function.Predicate;

/**
 * Weighted round robin with descending eligible weights (requirements 2.2 item 4): walk
 * the servers in list order; a server is eligible when its weight is at least
 * the current eligible weight; after each full pass the eligible weight drops by
 * one, and restarts at the maximum weight after reaching zero. Weights 3 and 2
 * give A A B A B.
 *
 * <p>The whole cycle (sum of weights long) is precomputed into a
 * {@link CyclicSchedule}, so a pick is one increment of the calling thread's
 * cursor stripe and an array read.
 * The weight bound caps every weight; pools whose weights sum to more than
 * {@link CyclicSchedule#MAX_LENGTH} are scheduled with proportionally reduced
 * weights.
 */
final class WeightedRoundRobin implements Selector {

    private final Tier tier;
    private final LazyTable<CyclicSchedule> schedule;
    private final StripedCursor cursor = new StripedCursor();

    WeightedRoundRobin(PoolView pool, Tier tier) {
        this(pool, tier, PoolView.ALL);
    }

    /** Over the members of {@code tier} that pass {@code subset} (used by the locality algorithm). */
    WeightedRoundRobin(PoolView pool, Tier tier, Predicate<Backend> subset) {
        this.tier = tier;
        this.schedule = pool.table(tier, subset, (members, previous) -> build(members));
    }

    @Override
    public Backend select(PickContext ctx, long nowNanos) {
        CyclicSchedule s = schedule.get();
        if (s.length() == 0) {
            return null;
        }
        return s.pick(cursor, tier, nowNanos);
    }

    /** The current cycle (tests). */
    CyclicSchedule schedule() {
        return schedule.get();
    }

    static CyclicSchedule build(Members m) {
        int n = m.size();
        int[] w = m.weightsScaledTo(CyclicSchedule.MAX_LENGTH);
        int max = 0;
        long total = 0;
        for (int x : w) {
            max = Math.max(max, x);
            total += x;
        }
        Backend[] order = new Backend[(int) total];
        int k = 0;
        for (int eligible = max; eligible >= 1; eligible--) {
            for (int i = 0; i < n; i++) {
                if (w[i] >= eligible) {
                    order[k++] = m.backend(i);
                }
            }
        }
        return new CyclicSchedule(m, order);
    }
}
