package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

/**
 * Maglev consistent hashing: the request key (client IP, header or cookie)
 * indexes a {@link MaglevTable} of prime size. O(1) per pick; the table is rebuilt
 * lazily when the tier's members or weights change.
 *
 * <p>When the slot's backend is momentarily unselectable (ejected or full) the
 * following slots are probed, deterministically, so the key still lands on the
 * same substitute; after a few probes the members are scanned from a key-derived
 * start.
 */
final class Maglev implements Selector {

    private static final int PROBES = 16;

    private final Tier tier;
    private final HashKey key;
    private final int size;
    private final LazyTable<MaglevTable> table;

    Maglev(PoolView pool, Tier tier, HashKey key, int tableSize) {
        this.tier = tier;
        this.key = key;
        this.size = tableSize;
        this.table = pool.table(tier, (members, previous) -> MaglevTable.build(members, previous, tableSize));
    }

    @Override
    public Backend select(PickContext ctx, long nowNanos) {
        MaglevTable t = table.get();
        Backend[] entries = t.entries();
        if (entries == null) {
            return null;
        }
        long h = key.hash(ctx);
        int slot = Hashing.bucket(h, size);
        for (int k = 0; k < PROBES; k++) {
            Backend b = entries[slot];
            if (tier.selectable(b, nowNanos)) {
                return b;
            }
            if (++slot == size) {
                slot = 0;
            }
        }
        Members m = t.members();
        return m.scan(Hashing.bucket(Hashing.mix(h), m.size()), tier, nowNanos);
    }

    /** The current table (tests). */
    MaglevTable table() {
        return table.get();
    }
}
