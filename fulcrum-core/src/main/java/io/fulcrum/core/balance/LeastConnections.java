package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Weighted least connections: the selectable member with the fewest active
 * requests per unit of weight ({@code a1 * w2 < a2 * w1}, compared as longs).
 *
 * <p>An exact O(n) scan: the backends' active counts change on every request and
 * {@link Backend} has no hook to keep them in a sorted structure. The scan reads
 * one counter and one cached weight per member and checks selectability only for
 * a member that would win, which keeps 100 backends well under 100 ns (see
 * docs/benchmarks-jmh.md). Ties go to the first member found from a random start,
 * so equal backends share without a shared counter between event loops.
 */
final class LeastConnections implements Selector {

    private final Tier tier;
    private final LazyTable<Members> members;

    LeastConnections(PoolView pool, Tier tier) {
        this.tier = tier;
        this.members = pool.members(tier);
    }

    @Override
    public Backend select(PickContext ctx, long nowNanos) {
        Members m = members.get();
        Backend[] bs = m.backends();
        int[] ws = m.weights();
        int n = bs.length;
        if (n == 0) {
            return null;
        }
        int i = n == 1 ? 0 : ThreadLocalRandom.current().nextInt(n);
        Backend best = null;
        long bestActive = 0;
        long bestWeight = 1;
        for (int k = 0; k < n; k++) {
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
