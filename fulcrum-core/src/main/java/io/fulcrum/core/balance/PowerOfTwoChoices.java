package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Power of two choices: draw two distinct members at random, keep the one with
 * fewer active requests per unit of weight. O(1).
 *
 * <p>The two candidates are drawn by weight (alias table) and a tie keeps the
 * first, so an idle pool is shared by weight and a loaded one is steered by
 * load. When the second draw repeats the first (likely when one backend
 * dominates the weights) it is redrawn, then taken uniformly among the others,
 * so there are always two distinct candidates. When neither is selectable the
 * pick scans from a random member.
 */
final class PowerOfTwoChoices implements Selector {

    private static final int REDRAWS = 2;

    private final Tier tier;
    private final LazyTable<AliasTable> table;

    PowerOfTwoChoices(PoolView pool, Tier tier) {
        this.tier = tier;
        this.table = pool.table(tier, (members, previous) -> AliasTable.build(members));
    }

    @Override
    public Backend select(PickContext ctx, long nowNanos) {
        AliasTable t = table.get();
        int n = t.size();
        if (n == 0) {
            return null;
        }
        Members m = t.members();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int first = t.sample(rnd.nextLong());
        int second = first;
        for (int k = 0; k < REDRAWS && second == first && n > 1; k++) {
            second = t.sample(rnd.nextLong());
        }
        if (second == first && n > 1) {
            second = (first + 1 + rnd.nextInt(n - 1)) % n;
        }
        Backend a = m.backend(first);
        boolean okA = tier.selectable(a, nowNanos);
        if (second != first) {
            Backend b = m.backend(second);
            if (tier.selectable(b, nowNanos)) {
                if (!okA) {
                    return b;
                }
                long loadA = (long) a.activeRequests() * m.weight(second);
                long loadB = (long) b.activeRequests() * m.weight(first);
                return loadB < loadA ? b : a;
            }
        }
        return okA ? a : m.scan(rnd.nextInt(n), tier, nowNanos);
    }
}
