package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Weighted random: each member with probability weight / total weight, in O(1)
 * through an alias table. An unselectable draw is redrawn a few times, then the
 * pick scans from a random member.
 */
final class WeightedRandom implements Selector {

    private static final int DRAWS = 4;

    private final Tier tier;
    private final LazyTable<AliasTable> table;

    WeightedRandom(PoolView pool, Tier tier) {
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
        for (int k = 0; k < DRAWS; k++) {
            Backend b = m.backend(t.sample(rnd.nextLong()));
            if (tier.selectable(b, nowNanos)) {
                return b;
            }
        }
        return m.scan(rnd.nextInt(n), tier, nowNanos);
    }
}
