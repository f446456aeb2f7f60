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
 * <p>Like {@link LeastConnections}, it compares a window of consecutive members
 * that starts at a member drawn by weight: exact for pools of up to
 * {@link #WINDOW} members, the best of {@link #WINDOW} for larger ones (a full
 * scan of 100 backends measured about 230 ns), which keeps loads within a few
 * requests per unit of weight of their due (see the tests), much as the "peak
 * EWMA" balancers that compare two random choices. The window's minimum is
 * taken without branches over precomputed 1 / weight; only the winner's
 * selectability is checked, and a careful pass runs when it is unavailable.
 * Ties go to the first member from the start.
 */
final class LeastResponseTime implements Selector {

    /** Members compared per pick. */
    static final int WINDOW = LeastConnections.WINDOW;

    /** Key of a busy unsampled member: above any finite score, position still in the low bits. */
    private static final long BUSY_UNSAMPLED = Long.MAX_VALUE & ~15L;

    private final Tier tier;
    private final LazyTable<Table> table;

    /** The alias table that draws window starts, and 1 / weight per member. */
    private record Table(AliasTable alias, double[] inverseWeight) {
        static Table build(Members m) {
            double[] inv = new double[m.size()];
            for (int i = 0; i < inv.length; i++) {
                inv[i] = 1.0 / m.weight(i);
            }
            return new Table(AliasTable.build(m), inv);
        }
    }

    LeastResponseTime(PoolView pool, Tier tier) {
        this.tier = tier;
        this.table = pool.table(tier, (members, previous) -> Table.build(members));
    }

    @Override
    public Backend select(PickContext ctx, long nowNanos) {
        Table t = table.get();
        Members m = t.alias().members();
        Backend[] bs = m.backends();
        double[] inv = t.inverseWeight();
        int n = bs.length;
        if (n == 0) {
            return null;
        }
        int start = n == 1 ? 0 : t.alias().sample(ThreadLocalRandom.current().nextLong());
        int span = Math.min(n, WINDOW);
        // Scores are positive doubles, whose bit patterns order like their values: the
        // window position goes in the low 4 bits and the minimum is a plain long min.
        long best = Long.MAX_VALUE;
        int i = start;
        for (int k = 0; k < span; k++) {
            Backend b = bs[i];
            long ewma = b.ewmaNanos();
            int active = b.activeRequests();
            long key;
            if (ewma == 0) {
                if (active == 0 && tier.selectable(b, nowNanos)) {
                    return b; // unsampled and idle: give it its first request
                }
                key = BUSY_UNSAMPLED | k;
            } else {
                double score = (ewma + 1.0) * (Math.max(active, 0) + 1.0) * inv[i];
                key = Double.doubleToRawLongBits(score) & ~15L | k;
            }
            best = Math.min(best, key);
            if (++i == n) {
                i = 0;
            }
        }
        int winner = start + (int) (best & 15);
        Backend b = bs[winner >= n ? winner - n : winner];
        return tier.selectable(b, nowNanos) ? b : carefulScan(bs, m.weights(), start, nowNanos);
    }

    /** The best selectable member, checking each would-be winner (the window's best was unavailable). */
    private Backend carefulScan(Backend[] bs, int[] ws, int start, long nowNanos) {
        int n = bs.length;
        int i = start;
        Backend best = null;
        double bestCost = 0; // (ewma + 1) * (active + 1) of best
        int bestWeight = 1;
        Backend busyUnsampled = null;
        for (int k = 0; k < n && (k < WINDOW || (best == null && busyUnsampled == null)); k++) {
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
