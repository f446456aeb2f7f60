package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

import java.util.List;

/**
 * Ring-hash consistent hashing: the request key (client IP, header or cookie) is
 * looked up on a {@link HashRing}. O(1) on average per pick; the ring is rebuilt
 * lazily when the tier's members or weights change.
 *
 * <p>When the owning backend is momentarily unselectable (ejected or full) the
 * following points are tried, as if it were gone, so the key lands where it would
 * after a removal; after a bounded walk the members are scanned from a
 * key-derived start.
 */
final class RingHash implements Selector {

    private static final int WALK = 64;

    private final Tier tier;
    private final HashKey key;
    private final LazyTable<HashRing> ring;

    RingHash(PoolView pool, Tier tier, HashKey key, int replicas) {
        this.tier = tier;
        this.key = key;
        this.ring = pool.table(tier,
                (members, previous) -> HashRing.build(members, replicas, poolWeight(pool.backends(), pool.weightBound())));
    }

    private static long poolWeight(List<Backend> backends, int bound) {
        long sum = 0;
        for (Backend b : backends) {
            sum += Members.cap(b.weight(), bound);
        }
        return sum;
    }

    @Override
    public Backend select(PickContext ctx, long nowNanos) {
        HashRing r = ring.get();
        if (r.size() == 0) {
            return null;
        }
        long h = key.hash(ctx);
        int i = r.find(h);
        int walk = Math.min(WALK, r.size());
        for (int k = 0; k < walk; k++) {
            Backend b = r.owner(i);
            if (tier.selectable(b, nowNanos)) {
                return b;
            }
            i = r.next(i);
        }
        Members m = r.members();
        return m.scan(Hashing.bucket(Hashing.mix(h), m.size()), tier, nowNanos);
    }

    /** The current ring (tests). */
    HashRing ring() {
        return ring.get();
    }
}
