package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The Maglev lookup table (Eisenbud et al., NSDI 2016), weighted, with
 * incremental rebuilds that never move a slot between two surviving backends.
 *
 * <p><b>Shares.</b> Each member gets a number of slots proportional to its weight,
 * apportioned with the Sainte-Laguë highest-averages method (within about one
 * slot of the exact share). Because it is a divisor method, removing a member
 * never lowers another member's count and adding one never raises it.
 *
 * <p><b>Filling.</b> As in the paper, each member walks its own permutation of the
 * slots ({@code offset + j * skip mod M}, from its name's hash; M prime) and claims
 * the next empty slot, members taking turns; in the weighted version a member
 * claims in proportion to the slots it needs, so all finish together. This
 * "ideal" table depends only on the members' names, order and weights.
 *
 * <p><b>Rebuilds.</b> Plain Maglev refills from scratch, which moves a few keys
 * between surviving backends. Here a rebuild starts from the previous table:
 * survivors keep their slots; one over its new count gives up first the slots the
 * ideal table gives to someone else; each freed slot goes to its ideal owner if
 * that one still needs slots, the rest by the usual permutation walk. So a removal
 * moves only the removed member's slots; adding (or raising the weight of) a
 * member moves slots only to it; and a backend that goes down and comes back gets
 * exactly its old slots back. After other histories the table drifts towards the
 * ideal one with every change.
 */
final class MaglevTable {

    private final Members members;
    private final Backend[] entries;

    private MaglevTable(Members members, Backend[] entries) {
        this.members = members;
        this.entries = entries;
    }

    Members members() {
        return members;
    }

    /** The slots; {@code null} when there are no members. Callers must not modify it. */
    Backend[] entries() {
        return entries;
    }

    /**
     * @param size     table size, a prime larger than the number of members
     * @param previous the table being replaced, or {@code null}
     */
    static MaglevTable build(Members m, MaglevTable previous, int size) {
        int n = m.size();
        if (n == 0) {
            return new MaglevTable(m, null);
        }
        if (n >= size) {
            throw new IllegalArgumentException("maglevTableSize " + size + " must exceed the number of backends " + n);
        }
        int[] quota = apportion(m.weights(), size);
        long[] offset = new long[n];
        long[] skip = new long[n];
        for (int i = 0; i < n; i++) {
            long h = Hashing.hash(m.backend(i).name());
            offset[i] = Long.remainderUnsigned(h, size);
            skip[i] = Long.remainderUnsigned(Hashing.mix(h ^ 0x5851F42D4C957F2DL), size - 1) + 1;
        }
        int[] ideal = new int[size];
        Arrays.fill(ideal, -1);
        fill(ideal, new int[n], quota, offset, skip);
        if (previous == null || previous.entries == null || previous.entries.length != size) {
            return new MaglevTable(m, entries(m, ideal));
        }
        int[] owner = new int[size];
        Arrays.fill(owner, -1);
        int[] count = new int[n];
        keepSurvivors(m, previous.entries, owner, count);
        releaseExcess(owner, count, quota, ideal, offset, skip);
        for (int s = 0; s < size; s++) {
            int i = ideal[s];
            if (owner[s] < 0 && count[i] < quota[i]) {
                owner[s] = i;
                count[i]++;
            }
        }
        fill(owner, count, quota, offset, skip);
        return new MaglevTable(m, entries(m, owner));
    }

    private static Backend[] entries(Members m, int[] owner) {
        Backend[] entries = new Backend[owner.length];
        for (int s = 0; s < owner.length; s++) {
            entries[s] = m.backend(owner[s]);
        }
        return entries;
    }

    /**
     * Sainte-Laguë: seats go one by one to the highest {@code weight / (2 * seats + 1)},
     * ties to the lower index. The bulk is placed at once: every seat whose priority
     * is strictly above a threshold {@code W / q} belongs to the result whenever there
     * are at most {@code seats} of them (they are the top of the sequence), so the
     * heap only places the last few.
     */
    static int[] apportion(int[] weights, int seats) {
        int n = weights.length;
        int[] got = new int[n];
        long total = 0;
        for (int w : weights) {
            total += w;
        }
        // Member i has a seat k (k >= 0) above W / q when (2k + 1) * W < 2 * w_i * q:
        // the odd numbers up to (2 * w_i * q - 1) / W.
        for (long q = seats; q > 0; q -= n) {
            long placed = 0;
            for (int i = 0; i < n; i++) {
                long odd = (2L * weights[i] * q - 1) / total;
                got[i] = (int) ((odd + 1) / 2);
                placed += got[i];
            }
            if (placed <= seats) {
                break;
            }
            Arrays.fill(got, 0);
        }
        int placed = 0;
        for (int g : got) {
            placed += g;
        }
        int[] heap = new int[n];
        for (int i = 0; i < n; i++) {
            heap[i] = i;
        }
        for (int i = n / 2 - 1; i >= 0; i--) {
            siftDown(heap, i, n, weights, got);
        }
        for (int k = placed; k < seats; k++) {
            got[heap[0]]++;
            siftDown(heap, 0, n, weights, got);
        }
        return got;
    }

    private static void siftDown(int[] heap, int i, int n, int[] w, int[] got) {
        int x = heap[i];
        while (true) {
            int c = 2 * i + 1;
            if (c >= n) {
                break;
            }
            if (c + 1 < n && before(heap[c + 1], heap[c], w, got)) {
                c++;
            }
            if (!before(heap[c], x, w, got)) {
                break;
            }
            heap[i] = heap[c];
            i = c;
        }
        heap[i] = x;
    }

    /** Whether member a deserves the next seat before member b (ties: lower index). */
    private static boolean before(int a, int b, int[] w, int[] got) {
        long pa = (long) w[a] * (2L * got[b] + 1);
        long pb = (long) w[b] * (2L * got[a] + 1);
        return pa > pb || (pa == pb && a < b);
    }

    private static void keepSurvivors(Members m, Backend[] prev, int[] owner, int[] count) {
        Map<Backend, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < m.size(); i++) {
            index.put(m.backend(i), i);
        }
        for (int s = 0; s < prev.length; s++) {
            Integer i = index.get(prev[s]);
            if (i != null) {
                owner[s] = i;
                count[i]++;
            }
        }
    }

    /**
     * A member with more slots than its quota frees the excess: first slots the
     * ideal table gives to another member, then those latest in its own permutation.
     */
    private static void releaseExcess(int[] owner, int[] count, int[] quota, int[] ideal, long[] offset, long[] skip) {
        int size = owner.length;
        for (int i = 0; i < count.length; i++) {
            int excess = count[i] - quota[i];
            if (excess <= 0) {
                continue;
            }
            long inverse = BigInteger.valueOf(skip[i]).modInverse(BigInteger.valueOf(size)).longValue();
            // (keepScore << 32 | slot), sorted ascending: the first ones are released
            long[] ranked = new long[count[i]];
            int k = 0;
            for (int s = 0; s < size; s++) {
                if (owner[s] == i) {
                    long rank = Math.floorMod(s - offset[i], size) * inverse % size; // position in i's permutation
                    long keepScore = (ideal[s] == i ? (long) size : 0L) + (size - 1 - rank);
                    ranked[k++] = keepScore << 32 | s;
                }
            }
            Arrays.sort(ranked);
            for (int j = 0; j < excess; j++) {
                owner[(int) ranked[j]] = -1;
            }
            count[i] = quota[i];
        }
    }

    /** Members take turns claiming their next free slot until each has its quota. */
    private static void fill(int[] owner, int[] count, int[] quota, long[] offset, long[] skip) {
        int n = count.length;
        int size = owner.length;
        int[] need = new int[n];
        int[] active = new int[n];
        int actives = 0;
        int maxNeed = 0;
        for (int i = 0; i < n; i++) {
            need[i] = quota[i] - count[i];
            if (need[i] > 0) {
                active[actives++] = i;
                maxNeed = Math.max(maxNeed, need[i]);
            }
        }
        int[] share = need.clone(); // turns are weighted by the initial need
        long[] credit = new long[n];
        long[] cursor = offset.clone();
        while (actives > 0) {
            int kept = 0;
            for (int a = 0; a < actives; a++) {
                int i = active[a];
                credit[i] += share[i];
                while (credit[i] >= maxNeed && need[i] > 0) {
                    credit[i] -= maxNeed;
                    long s = cursor[i];
                    while (owner[(int) s] >= 0) {
                        s += skip[i];
                        if (s >= size) {
                            s -= size;
                        }
                    }
                    owner[(int) s] = i;
                    need[i]--;
                    s += skip[i];
                    cursor[i] = s >= size ? s - size : s;
                }
                if (need[i] > 0) {
                    active[kept++] = i;
                }
            }
            actives = kept;
        }
    }
}
