package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Weighted least connections: the selectable member with the fewest active
 * requests per unit of weight.
 *
 * <p>Exact for pools of up to {@link #WINDOW} members. For larger pools it takes
 * the least loaded of {@link #WINDOW} consecutive members ("best of 16";
 * Envoy's least request samples two), because a full scan of 100 backends
 * measured about 170 ns (docs/benchmarks.md) and {@link Backend} offers no
 * load-change hook that a sorted structure could follow. The window starts at
 * a member drawn by weight, so every member is in it at least as often as its
 * weight share, which it needs to keep up however skewed the weights; loads
 * then stay within one or two requests per unit of weight of their due (see
 * the tests) and every pick is O(1). If the window holds no selectable member
 * the scan goes on until one is found.
 *
 * <p>The window's minimum is found without branches, on fixed-point scores
 * (active times a precomputed 2^32 / weight), and only the winner's
 * selectability is checked; when it is unavailable a second, careful pass
 * compares exactly ({@code a1 * w2 < a2 * w1}) and checks every would-be
 * winner. Ties go to the first member from the weighted start, so an idle pool
 * is shared by weight, without a counter shared between event loops.
 */
final class LeastConnections implements Selector {

    /** Members compared per pick. */
    static final int WINDOW = 16;

    /** Active counts above this are treated as equal (keeps the fixed-point score in 59 bits). */
    private static final long ACTIVE_CAP = (1L << 27) - 1;

    private final Tier tier;
    private final LazyTable<Table> table;

    /** The alias table that draws window starts, and 2^32 / weight per member. */
    private record Table(AliasTable alias, long[] reciprocal) {
        static Table build(Members m) {
            long[] r = new long[m.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = (1L << 32) / m.weight(i);
            }
            return new Table(AliasTable.build(m), r);
        }
    }

    LeastConnections(PoolView pool, Tier tier) {
        this.tier = tier;
        this.table = pool.table(tier, (members, previous) -> Table.build(members));
    }

    @Override
    public Backend select(PickContext ctx, long nowNanos) {
        Table t = table.get();
        Members m = t.alias().members();
        Backend[] bs = m.backends();
        long[] reciprocal = t.reciprocal();
        int n = bs.length;
        if (n == 0) {
            return null;
        }
        int start = n == 1 ? 0 : t.alias().sample(ThreadLocalRandom.current().nextLong());
        int span = Math.min(n, WINDOW);
        // Each member's score (active / weight in 32.32 fixed point) is computed
        // independently and carries its window position in the low 4 bits, so the
        // minimum is one compare-and-select per member, with no branch to mispredict
        // and ties going to the earliest position.
        long best = Long.MAX_VALUE;
        int i = start;
        for (int k = 0; k < span; k++) {
            long active = Math.clamp(bs[i].activeRequests(), 0, ACTIVE_CAP);
            best = Math.min(best, (active * reciprocal[i]) << 4 | k);
            if (++i == n) {
                i = 0;
            }
        }
        int winner = start + (int) (best & 15);
        Backend b = bs[winner >= n ? winner - n : winner];
        return tier.selectable(b, nowNanos) ? b : carefulScan(bs, m.weights(), start, nowNanos);
    }

    /** The least loaded selectable member, checking each would-be winner (the window's best was unavailable). */
    private Backend carefulScan(Backend[] bs, int[] ws, int start, long nowNanos) {
        int n = bs.length;
        int i = start;
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
