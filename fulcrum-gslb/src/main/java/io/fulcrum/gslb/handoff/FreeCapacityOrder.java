package io.fulcrum.gslb.handoff;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The small-deployment mode (requirements 2.5 item 7, three sites or fewer): instead of the
 * response-time table, sites are ordered by their free capacity
 * ({@code 1 - active / max}), most free first, and shares follow the free fractions.
 */
public final class FreeCapacityOrder {

    private FreeCapacityOrder() {
    }

    /**
     * The table of this mode.
     *
     * @param freeFraction free capacity per site, 0..1 (sites without a report are left out)
     * @param down         sites left out
     */
    public static HandoffTable compute(Map<String, Double> freeFraction, Set<String> down) {
        List<String> sites = new ArrayList<>();
        double sum = 0;
        for (var e : freeFraction.entrySet()) {
            if (!down.contains(e.getKey())) {
                sites.add(e.getKey());
                sum += clamp(e.getValue());
            }
        }
        sites.sort(Comparator.comparingDouble((String s) -> -clamp(freeFraction.get(s))).thenComparing(s -> s));
        List<HandoffTable.Row> rows = new ArrayList<>();
        for (String s : sites) {
            double f = clamp(freeFraction.get(s));
            // Weight in thousandths, so the table prints like the response-time one.
            rows.add(new HandoffTable.Row(s, Math.round(f * 1000), sum == 0 ? 0.0 : f / sum));
        }
        return new HandoffTable(rows);
    }

    private static double clamp(Double d) {
        return d == null || d.isNaN() ? 0 : Math.max(0, Math.min(1, d));
    }
}
