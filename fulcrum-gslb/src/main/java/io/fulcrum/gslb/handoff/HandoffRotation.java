package io.fulcrum.gslb.handoff;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Spreads hand-offs over the table by its weights, each one continuing from the last
 * hand-off target: a fixed smooth-weighted cycle (a site of weight 3 out of 5 gets 3 of
 * every 5 turns, interleaved) walked by one shared counter. Sites with weight 0 never
 * get a turn. Lock-free, so it can be read on event loops.
 */
public final class HandoffRotation {

    /** Longest cycle built; larger weights are scaled down to fit. */
    static final int MAX_CYCLE = 4096;

    private final String[] cycle;
    private final AtomicLong next = new AtomicLong();

    /** A rotation over the table's rows, leaving out {@code excluded} (this site). */
    public HandoffRotation(HandoffTable table, Set<String> excluded) {
        List<HandoffTable.Row> rows = new ArrayList<>();
        long sum = 0;
        for (HandoffTable.Row r : table.rows()) {
            if (r.weight() > 0 && !excluded.contains(r.site())) {
                rows.add(r);
                sum += r.weight();
            }
        }
        double scale = sum > MAX_CYCLE ? (double) MAX_CYCLE / sum : 1.0;
        long[] weight = new long[rows.size()];
        long total = 0;
        for (int i = 0; i < rows.size(); i++) {
            weight[i] = Math.max(1, Math.round(rows.get(i).weight() * scale));
            total += weight[i];
        }
        cycle = new String[(int) total];
        long[] current = new long[rows.size()];
        for (int t = 0; t < total; t++) {
            int best = -1;
            for (int i = 0; i < rows.size(); i++) {
                current[i] += weight[i];
                if (best < 0 || current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            cycle[t] = rows.get(best).site();
        }
    }

    /**
     * The next target that {@code eligible} accepts, or {@code null} when none does. Tries
     * at most one full cycle.
     */
    public String next(Predicate<String> eligible) {
        int n = cycle.length;
        if (n == 0) {
            return null;
        }
        for (int tries = 0; tries < n; tries++) {
            String site = cycle[(int) Math.floorMod(next.getAndIncrement(), (long) n)];
            if (eligible.test(site)) {
                return site;
            }
        }
        return null;
    }

    /** The cycle's length (the sum of the weights used). */
    public int cycleLength() {
        return cycle.length;
    }
}
