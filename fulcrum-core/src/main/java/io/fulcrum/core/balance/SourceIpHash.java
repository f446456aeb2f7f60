package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

/**
 * Source address hashing, HAProxy's {@code balance source}: the client address's
 * hash, taken modulo the total weight, lands in one member's stretch of weight.
 * The same address gets the same backend while the members and weights are
 * stable; any change in membership remaps most addresses (use {@code maglev} or
 * {@code ring-hash} for minimal disruption). O(log n).
 *
 * <p>When the chosen backend is momentarily unselectable the address is rehashed
 * a few times (deterministically, so the address still lands consistently), then
 * the members are scanned from a hash-derived start.
 */
final class SourceIpHash implements Selector {

    private static final int REHASHES = 4;

    private final Tier tier;
    private final LazyTable<Members> members;

    SourceIpHash(PoolView pool, Tier tier) {
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
        long h = Hashing.hash(ctx.clientAddress());
        long total = m.totalWeight();
        for (int k = 0; k <= REHASHES; k++) {
            Backend b = m.backend(m.indexAtWeight(Hashing.bucket(h, total)));
            if (tier.selectable(b, nowNanos)) {
                return b;
            }
            h = Hashing.mix(h + 1);
        }
        return m.scan(Hashing.bucket(h, n), tier, nowNanos);
    }
}
