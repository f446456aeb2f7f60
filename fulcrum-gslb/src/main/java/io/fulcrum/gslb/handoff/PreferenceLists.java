package io.fulcrum.gslb.handoff;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Builds a site's preference list: its peers sorted by measured response time, fastest
 * first. Two sites swap places only when their times differ by more than a margin
 * ({@link #MARGIN_MILLIS} or {@link #MARGIN_FRACTION}, whichever is larger), so that noise
 * between near-equal sites does not keep changing the list, and with it every site's table.
 */
public final class PreferenceLists {

    /** Smallest difference that reorders two sites, in milliseconds. */
    public static final double MARGIN_MILLIS = 1.0;
    /** Smallest difference that reorders two sites, as a fraction of the slower one. */
    public static final double MARGIN_FRACTION = 0.2;

    private PreferenceLists() {
    }

    /**
     * The preference list of {@code self}: every other site with a measurement, fastest first.
     * Starts from {@code previous} (new sites after it, fastest first, ties by name) and moves a
     * site ahead of another only when it is faster by more than the margin.
     *
     * @param responseMillis measured time-weighted response time per site
     * @param previous       the list last advertised (empty at first)
     */
    public static List<String> of(String self, Map<String, Double> responseMillis, List<String> previous) {
        List<String> fresh = new ArrayList<>();
        for (var e : responseMillis.entrySet()) {
            if (!e.getKey().equals(self) && e.getValue() != null && !e.getValue().isNaN()
                    && !previous.contains(e.getKey())) {
                fresh.add(e.getKey());
            }
        }
        fresh.sort(Comparator.comparingDouble((String s) -> responseMillis.get(s)).thenComparing(s -> s));
        List<String> list = new ArrayList<>();
        for (String s : previous) {
            Double t = responseMillis.get(s);
            if (t != null && !t.isNaN() && !s.equals(self)) {
                list.add(s);
            }
        }
        list.addAll(fresh);
        // Insertion sort with the margin: stable, and deterministic for the same inputs.
        for (int i = 1; i < list.size(); i++) {
            String s = list.get(i);
            int j = i;
            while (j > 0 && clearlyFaster(responseMillis.get(s), responseMillis.get(list.get(j - 1)))) {
                list.set(j, list.get(j - 1));
                j--;
            }
            list.set(j, s);
        }
        return List.copyOf(list);
    }

    /** The list without history: sorted by time, ties by name. */
    public static List<String> of(String self, Map<String, Double> responseMillis) {
        return of(self, responseMillis, List.of());
    }

    static boolean clearlyFaster(double a, double b) {
        double margin = Math.max(MARGIN_MILLIS, MARGIN_FRACTION * Math.max(a, b));
        return b - a > margin;
    }
}
