package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;


/**
 * Plain round robin: every member in turn, weights ignored except that weight 0
 * is never picked. Each thread takes turns with its own cursor stripe
 * ({@link StripedCursor}); an unselectable member is skipped and the cursor moves
 * past it, so the others still share equally.
 * O(1) while backends are available; O(n) worst case when most are not.
 */
final class RoundRobin implements Selector {

    private final Tier tier;
    private final LazyTable<Members> members;
    private final StripedCursor cursor = new StripedCursor();

    RoundRobin(PoolView pool, Tier tier) {
        this.tier = tier;
        this.members = pool.members(tier);
    }

    @Override
    public Backend select(PickContext ctx, long nowNanos) {
        Members m = members.get();
        int n = m.size();
        if (n == 0) {
            return null;
        }
        long ticket = cursor.next();
        int i = (int) (ticket % n);
        for (int k = 0; k < n; k++) {
            Backend b = m.backend(i);
            if (tier.selectable(b, nowNanos)) {
                if (k > 0) {
                    cursor.skip(ticket, k);
                }
                return b;
            }
            if (++i == n) {
                i = 0;
            }
        }
        return null;
    }
}
