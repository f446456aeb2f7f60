package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

/**
 * One whole cycle of a deterministic weighted algorithm, precomputed: position
 * {@code t mod length} is the backend of the t-th pick. Picking is an array read.
 *
 * <p>Each thread walks the cycle with its own {@link StripedCursor} stripe. When
 * the scheduled backend is momentarily unselectable (ejected, full, or changed
 * since the build), the pick walks forward a few positions and moves the
 * cursor past the positions it skipped, so the cycle goes on as if the
 * unselectable backend were not in it: the others keep their exact ratio instead
 * of the next one in line taking every skipped turn. After the walk it falls
 * back to a scan of the members.
 */
final class CyclicSchedule {

    /** Longest schedule kept; larger pools get proportionally reduced weights. */
    static final int MAX_LENGTH = 1 << 20;

    private static final int WALK = 16;

    private final Members members;
    private final Backend[] order;

    CyclicSchedule(Members members, Backend[] order) {
        this.members = members;
        this.order = order;
    }

    int length() {
        return order.length;
    }

    /** The backend at position {@code i} (tests). */
    Backend at(int i) {
        return order[i];
    }

    /**
     * @param cursor the algorithm's pick counter
     */
    Backend pick(StripedCursor cursor, Tier tier, long nowNanos) {
        Backend[] o = order;
        int len = o.length;
        if (len == 0) {
            return null;
        }
        long ticket = cursor.next();
        int pos = (int) (ticket % len);
        int walk = Math.min(WALK, len);
        for (int k = 0; k < walk; k++) {
            Backend b = o[pos];
            if (tier.selectable(b, nowNanos)) {
                if (k > 0) {
                    cursor.skip(ticket, k);
                }
                return b;
            }
            if (++pos == len) {
                pos = 0;
            }
        }
        return members.scan(pos % members.size(), tier, nowNanos);
    }
}
