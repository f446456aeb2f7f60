package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * An immutable snapshot of the backends a table is built over: members of one
 * {@link Tier} (optionally narrowed by a subset such as "same host"), in pool
 * order, with their weights capped by the pool's weight bound. Members with a
 * capped weight of zero are left out, so no table ever contains them.
 */
final class Members {

    static final Members EMPTY = new Members(new Backend[0], new int[0]);

    private final Backend[] backends;
    private final int[] weights;
    private final long[] cumulative;
    private final long totalWeight;
    private final int maxWeight;

    private Members(Backend[] backends, int[] weights) {
        this.backends = backends;
        this.weights = weights;
        this.cumulative = new long[weights.length];
        long sum = 0;
        int max = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            cumulative[i] = sum;
            max = Math.max(max, weights[i]);
        }
        this.totalWeight = sum;
        this.maxWeight = max;
    }

    /**
     * Snapshot of the backends of {@code all} that are members of {@code tier},
     * pass {@code subset}, and have a positive weight once capped at {@code bound}.
     */
    static Members of(List<Backend> all, Tier tier, Predicate<Backend> subset, int bound) {
        List<Backend> picked = new ArrayList<>(all.size());
        int[] w = new int[all.size()];
        for (Backend b : all) {
            int weight = cap(b.weight(), bound);
            if (weight > 0 && tier.member(b) && subset.test(b)) {
                w[picked.size()] = weight;
                picked.add(b);
            }
        }
        if (picked.isEmpty()) {
            return EMPTY;
        }
        return new Members(picked.toArray(new Backend[0]), Arrays.copyOf(w, picked.size()));
    }

    /** A weight capped at the pool's bound. */
    static int cap(int weight, int bound) {
        return Math.min(weight, bound);
    }

    int size() {
        return backends.length;
    }

    Backend backend(int i) {
        return backends[i];
    }

    /** The backends; callers must not modify the array. */
    Backend[] backends() {
        return backends;
    }

    int weight(int i) {
        return weights[i];
    }

    /** The capped weights; callers must not modify the array. */
    int[] weights() {
        return weights;
    }

    long totalWeight() {
        return totalWeight;
    }

    int maxWeight() {
        return maxWeight;
    }

    /**
     * The member owning {@code point} of the weight line {@code [0, totalWeight)},
     * where member i owns a stretch as long as its weight. O(log n).
     */
    int indexAtWeight(long point) {
        long[] c = cumulative;
        int lo = 0;
        int hi = c.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (c[mid] > point) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /**
     * Weights scaled down so that they sum to at most about {@code limit}, keeping
     * every member at least 1; the weights themselves when they already fit.
     * Used to bound the size of precomputed schedules for very large pools.
     */
    int[] weightsScaledTo(long limit) {
        if (totalWeight <= limit) {
            return weights;
        }
        int[] out = new int[weights.length];
        for (int i = 0; i < weights.length; i++) {
            out[i] = (int) Math.max(1, weights[i] * limit / totalWeight);
        }
        return out;
    }

    /**
     * Last resort when the algorithm's own choices are all unavailable: the first
     * selectable member from {@code start} on, wrapping around. O(n); used only
     * when backends are ejected or full.
     */
    Backend scan(int start, Tier tier, long nowNanos) {
        Backend[] b = backends;
        int n = b.length;
        int i = start;
        for (int k = 0; k < n; k++) {
            if (i >= n) {
                i = 0;
            }
            if (tier.selectable(b[i], nowNanos)) {
                return b[i];
            }
            i++;
        }
        return null;
    }

    /** Same backends, in the same order, with the same weights: a table built over either is the same. */
    boolean sameAs(Members other) {
        if (other == this) {
            return true;
        }
        if (other == null || other.backends.length != backends.length || !Arrays.equals(other.weights, weights)) {
            return false;
        }
        for (int i = 0; i < backends.length; i++) {
            if (other.backends[i] != backends[i]) {
                return false;
            }
        }
        return true;
    }
}
