package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Weighted least connections: the selectable member with the fewest active
 * requests per unit of weight ({@code a1 * w2 < a2 * w1}, compared as longs).
 *
 * <p>Exact for pools of up to {@link #WINDOW} members. For larger pools it takes
 * the least loaded of {@link #WINDOW} consecutive members ("best of 16";
 * Envoy's least request samples two), because an exact scan costs about 1.7 ns
 * per member (about 170 ns at 100 backends, see docs/benchmarks-jmh.md) and
 * {@link Backend} offers no load-change hook that a sorted structure could
 * follow. The window starts at a member drawn by weight, so every member is in
 * it at least as often as its weight share, which it needs to keep up however
 * skewed the weights; loads then stay within one or two requests per unit of
 * weight of their due (see the tests) and every pick is O(1). If the window holds no
 * selectable member the scan goes on until one is found.
 *
 * <p>Selectability is only checked for a member that would win. Ties go to the
 * first member from the weighted start, so an idle pool is shared by weight,
 * without a counter shared between event loops.
 */
final class LeastConnections implements Selector {

    /** Members compared per pick. */
    static final int WINDOW = 16;

    private final Tier tier;
    private final LazyTable<AliasTable> table;

    LeastConnections(PoolView pool, Tier tier) {
        this.tier = tier;
        this.table = pool.table(tier, (members, previous) -> AliasTable.build(members));
    }

    @Override
    public Backend select(PickContext ctx, long nowNanos) {
        AliasTable t = table.get();
        Members m = t.members();
        Backend[] bs = m.backends();
        int[] ws = m.weights();
        int n = bs.length;
        if (n == 0) {
            return null;
        }
        int i = n == 1 ? 0 : t.sample(ThreadLocalRandom.current().nextLong());
        Backend best = null;
        long bestActive = 0;
        long bestWeight = 1;
        for (int k = 0; k < n && (k < WINDOW || best == null); k++) {
            Backend b = bs[i];
            long active = b.activeRequests();
            long weight = ws[i];
            if ((best == null || active * bestWeight < bestActive * weight) && tier.selectable(b, nowNanos)) {
                best = b;
                bestActive = active;
                bestWeight = weight;
            }
            if (++i == n) {
                i = 0;
            }
        }
        return best;
    }
}
