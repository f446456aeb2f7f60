package io.fulcrum.gslb.handoff;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ordered hand-off table (requirements 2.5 item 5). From every site's preference list,
 * {@code total_weight(site) = Σ_k OHW_k × (number of lists with the site at position k)}
 * and {@code share = total_weight / Σ total_weights}. Sites seen as down are left out.
 *
 * <p>{@link #compute} is a pure function of its inputs: two sites holding the same lists,
 * weights and down set get equal tables (same rows, same order, same shares).
 *
 * @param rows the sites, highest weight first, equal weights by name
 */
public record HandoffTable(List<Row> rows) {

    /** An empty table (nothing known yet). */
    public static final HandoffTable EMPTY = new HandoffTable(List.of());

    /**
     * One site of the table.
     *
     * @param site   the site's name
     * @param weight its total weight
     * @param share  its fraction of all weights (0 when every weight is 0)
     */
    public record Row(String site, long weight, double share) {
    }

    public HandoffTable {
        rows = List.copyOf(rows);
    }

    /**
     * Computes the table.
     *
     * @param lists   each site's preference list (its peers, fastest first), by the site that made it
     * @param weights OHW: {@code weights.get(k)} weighs position {@code k + 1}; later positions weigh 0
     * @param down    sites left out of the table
     */
    public static HandoffTable compute(Map<String, List<String>> lists, List<Integer> weights, Set<String> down) {
        // Every site named anywhere is in the table, even with weight 0; sorted so that map order never matters.
        Set<String> sites = new TreeSet<>(lists.keySet());
        Map<String, Long> total = new HashMap<>();
        for (List<String> list : lists.values()) {
            sites.addAll(list);
            for (int k = 0; k < list.size() && k < weights.size(); k++) {
                total.merge(list.get(k), (long) weights.get(k), Long::sum);
            }
        }
        List<String> kept = new ArrayList<>();
        long sum = 0;
        for (String s : sites) {
            if (!down.contains(s)) {
                kept.add(s);
                sum += total.getOrDefault(s, 0L);
            }
        }
        kept.sort(Comparator.comparingLong((String s) -> -total.getOrDefault(s, 0L)).thenComparing(s -> s));
        List<Row> rows = new ArrayList<>(kept.size());
        for (String s : kept) {
            long w = total.getOrDefault(s, 0L);
            rows.add(new Row(s, w, sum == 0 ? 0.0 : (double) w / sum));
        }
        return new HandoffTable(rows);
    }

    /** The shares by site, in table order. */
    public Map<String, Double> shares() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Row r : rows) {
            m.put(r.site(), r.share());
        }
        return m;
    }

    /** The row of this site, or {@code null}. */
    public Row row(String site) {
        for (Row r : rows) {
            if (r.site().equals(site)) {
                return r;
            }
        }
        return null;
    }
}
