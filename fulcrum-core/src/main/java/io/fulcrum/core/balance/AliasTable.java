package io.fulcrum.core.balance;

/**
 * Walker/Vose alias table: draws a member with probability weight/total in O(1)
 * from one random long (upper 32 bits choose a column, lower 32 bits the coin).
 * Built with exact integer arithmetic.
 */
final class AliasTable {

    private final Members members;
    private final int[] alias;
    /** Probability of keeping the column, scaled to 2^32. */
    private final long[] keep;

    private AliasTable(Members members, int[] alias, long[] keep) {
        this.members = members;
        this.alias = alias;
        this.keep = keep;
    }

    static AliasTable build(Members m) {
        int n = m.size();
        int[] alias = new int[n];
        long[] keep = new long[n];
        long total = m.totalWeight();
        // Column i holds weight*n out of total per column; exact in longs.
        long[] p = new long[n];
        int[] small = new int[n];
        int[] large = new int[n];
        int ns = 0;
        int nl = 0;
        for (int i = 0; i < n; i++) {
            p[i] = (long) m.weight(i) * n;
            if (p[i] < total) {
                small[ns++] = i;
            } else {
                large[nl++] = i;
            }
        }
        while (ns > 0 && nl > 0) {
            int s = small[--ns];
            int g = large[--nl];
            keep[s] = scale(p[s], total);
            alias[s] = g;
            p[g] -= total - p[s];
            if (p[g] < total) {
                small[ns++] = g;
            } else {
                large[nl++] = g;
            }
        }
        while (nl > 0) {
            int g = large[--nl];
            keep[g] = 1L << 32;
            alias[g] = g;
        }
        while (ns > 0) { // only reachable through rounding, which integer arithmetic avoids
            int s = small[--ns];
            keep[s] = 1L << 32;
            alias[s] = s;
        }
        return new AliasTable(m, alias, keep);
    }

    private static long scale(long part, long total) {
        return (long) ((double) part / total * 4294967296.0);
    }

    Members members() {
        return members;
    }

    int size() {
        return alias.length;
    }

    /** A member index drawn by weight from the random bits of {@code r}. */
    int sample(long r) {
        int col = Hashing.bucket(r, alias.length);
        return (r & 0xFFFFFFFFL) < keep[col] ? col : alias[col];
    }
}
