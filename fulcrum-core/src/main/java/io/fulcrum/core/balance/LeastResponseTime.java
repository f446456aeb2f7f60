package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Least response time: the selectable member with the lowest
 * {@code (ewma + 1) * (active + 1) / weight}, where ewma is
 * {@link Backend#ewmaNanos()}: fast, idle, heavy backends win.
 *
 * <p>A backend with no sample yet (ewma 0) is tried first, one request at a
 * time: it is picked while it has no request in flight, so it gets a sample
 * without being flooded before its first response (a new backend would
 * otherwise score best for every request until then). It is only picked while
 * busy when no sampled backend is selectable.
 *
 * <p>Like {@link LeastConnections}: exact for pools of up to
 * {@link LeastConnections#WINDOW} members, the best of that many consecutive
 * members from a start drawn by weight for larger pools (the exact scan costs
 * about 2.3 ns per member); ties go to the first member found.
 */
final class LeastResponseTime implements Selector {

    private final Tier tier;
    private final LazyTable<AliasTable> table;

    LeastResponseTime(PoolView pool, Tier tier) {
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
        double bestCost = 0; // (ewma + 1) * (active + 1) of best
        int bestWeight = 1;
        Backend busyUnsampled = null;
        for (int k = 0; k < n && (k < LeastConnections.WINDOW || (best == null && busyUnsampled == null)); k++) {
            Backend b = bs[i];
            long ewma = b.ewmaNanos();
            int weight = ws[i];
            if (ewma == 0) {
                if (tier.selectable(b, nowNanos)) {
                    if (b.activeRequests() == 0) {
                        return b;
                    }
                    if (busyUnsampled == null) {
                        busyUnsampled = b;
                    }
                }
            } else {
                double cost = (ewma + 1.0) * (b.activeRequests() + 1.0);
                // cost / weight < bestCost / bestWeight, without dividing
                if ((best == null || cost * bestWeight < bestCost * weight) && tier.selectable(b, nowNanos)) {
                    best = b;
                    bestCost = cost;
                    bestWeight = weight;
                }
            }
            if (++i == n) {
                i = 0;
            }
        }
        return best != null ? best : busyUnsampled;
    }
}
