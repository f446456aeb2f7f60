package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

import java.util.Arrays;

/**
 * A ketama-style consistent hash ring: each member owns points on a 64-bit
 * circle, as many as its weight times the replicas per unit of weight, and a key
 * belongs to the first point at or after it (wrapping around).
 *
 * <p>A member's points depend only on its name, its weight and a scale that
 * depends on the whole pool's weights (not on which backends are up), so a
 * backend going down removes just its own points: its keys move to the next
 * points and no key moves between two surviving backends.
 *
 * <p>The total is capped at {@link #MAX_POINTS} by scaling every member's point
 * count, at least one each. Each point stores its member's index in its low
 * {@link #OWNER_BITS} bits, so the ring is a single sorted {@code long[]}; a
 * bucket index on the top bits makes a lookup O(1) on average (a short search
 * within one bucket) instead of a binary search over the whole ring.
 */
final class HashRing {

    /** Upper bound of points on one ring. */
    static final int MAX_POINTS = 100_000;
    static final int OWNER_BITS = 20;
    private static final long OWNER_MASK = (1L << OWNER_BITS) - 1;

    private final Members members;
    private final long[] points;
    private final int[] bucketStart;
    private final int bucketShift;

    private HashRing(Members members, long[] points, int[] bucketStart, int bucketShift) {
        this.members = members;
        this.points = points;
        this.bucketStart = bucketStart;
        this.bucketShift = bucketShift;
    }

    /**
     * @param replicas   points per unit of weight
     * @param poolWeight the pool's total (capped) weight over all its backends, whatever their state
     */
    static HashRing build(Members m, int replicas, long poolWeight) {
        int n = m.size();
        if (n == 0) {
            return new HashRing(m, new long[0], new int[] {0, 0}, 63);
        }
        if (n > OWNER_MASK) {
            throw new IllegalArgumentException("ring-hash supports at most " + OWNER_MASK + " backends per pool");
        }
        double wanted = (double) Math.max(poolWeight, m.totalWeight()) * replicas;
        double scale = Math.min(1.0, MAX_POINTS / wanted);
        int[] count = new int[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            count[i] = (int) Math.max(1, Math.round(m.weight(i) * (double) replicas * scale));
            total += count[i];
        }
        long[] points = new long[(int) total];
        int k = 0;
        for (int i = 0; i < n; i++) {
            long nameHash = Hashing.hash(m.backend(i).name());
            for (int r = 0; r < count[i]; r++) {
                points[k++] = (Hashing.combine(nameHash, r) & ~OWNER_MASK) | i;
            }
        }
        Arrays.sort(points);
        int bits = Math.max(1, Math.min(20, 63 - Long.numberOfLeadingZeros(points.length)));
        int shift = 64 - bits;
        int buckets = 1 << bits;
        int[] start = new int[buckets + 1];
        int p = 0;
        for (int b = 0; b <= buckets; b++) {
            while (p < points.length && bucketOf(points[p], shift) < b) {
                p++;
            }
            start[b] = p;
        }
        return new HashRing(m, points, start, shift);
    }

    /** Buckets follow signed order, which is the ring's order. */
    private static int bucketOf(long point, int shift) {
        return (int) ((point ^ Long.MIN_VALUE) >>> shift);
    }

    Members members() {
        return members;
    }

    int size() {
        return points.length;
    }

    /** Index of the point that owns {@code key}: the first at or after it, wrapping around. */
    int find(long key) {
        long k = key & ~OWNER_MASK;
        int b = bucketOf(k, bucketShift);
        int i = bucketStart[b];
        int end = bucketStart[b + 1];
        while (i < end && points[i] < k) {
            i++;
        }
        return i == points.length ? 0 : i;
    }

    /** The member owning point {@code index}. */
    Backend owner(int index) {
        return members.backend((int) (points[index] & OWNER_MASK));
    }

    /** The point after {@code index}, wrapping around. */
    int next(int index) {
        return index + 1 == points.length ? 0 : index + 1;
    }
}
