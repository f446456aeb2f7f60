package io.fulcrum.health.weights;

import java.util.ArrayList;
import java.util.List;

/**
 * The weight computation of requirements 2.2 item 6, pure and deterministic. For each
 * backend {@code b} and metric class {@code i} with data:
 * <pre>
 *   NWV_i(b) = AW + (CWP(b) - MP_i(b)) / SF
 *   NW(b)    = sum_i NWV_i(b) * w_i            (w_i normalised to sum to 1)
 * </pre>
 * AW is the middle of the weight range, CWP the backend's share of the current
 * weights in percent, MP_i its share of metric i in percent (a larger metric means a
 * busier or slower backend), SF the smoothing factor. NW is rounded and clamped to the
 * range.
 */
public final class WeightFormula {

    /**
     * One metric class's values per backend (same order as the weights).
     *
     * @param name       {@code input}, {@code host} or {@code service}
     * @param importance w_i before normalisation
     * @param values     the metric per backend; a metric whose values sum to 0 is left out
     */
    public record Metric(String name, double importance, double[] values) {
    }

    private WeightFormula() {
    }

    /**
     * New weights.
     *
     * @param current current weights (all > 0)
     * @param metrics the metric classes
     * @param min     lowest weight
     * @param max     highest weight
     * @param sf      smoothing factor (>= 1)
     * @return new weights, or {@code null} when no metric has data
     */
    public static int[] compute(int[] current, List<Metric> metrics, int min, int max, double sf) {
        int n = current.length;
        double sumW = 0;
        for (int w : current) {
            sumW += w;
        }
        List<Metric> usable = new ArrayList<>();
        double sumImportance = 0;
        for (Metric m : metrics) {
            double s = 0;
            for (double v : m.values()) {
                s += v;
            }
            if (m.importance() > 0 && s > 0) {
                usable.add(m);
                sumImportance += m.importance();
            }
        }
        if (usable.isEmpty() || sumW <= 0) {
            return null;
        }
        double aw = (min + max) / 2.0;
        double[] nw = new double[n];
        for (Metric m : usable) {
            double s = 0;
            for (double v : m.values()) {
                s += v;
            }
            double wi = m.importance() / sumImportance;
            for (int b = 0; b < n; b++) {
                double cwp = 100.0 * current[b] / sumW;
                double mp = 100.0 * m.values()[b] / s;
                nw[b] += (aw + (cwp - mp) / sf) * wi;
            }
        }
        int[] out = new int[n];
        for (int b = 0; b < n; b++) {
            out[b] = (int) Math.max(min, Math.min(max, Math.round(nw[b])));
        }
        return out;
    }

    /**
     * The threshold function: whether {@code next} differs enough from {@code current}
     * to be pushed (some weight moved by at least {@code percent} of its current value,
     * and by at least 1).
     */
    public static boolean differsEnough(int[] current, int[] next, int percent) {
        for (int i = 0; i < current.length; i++) {
            int d = Math.abs(next[i] - current[i]);
            if (d >= 1 && d * 100.0 >= percent * (double) Math.max(1, current[i])) {
                return true;
            }
        }
        return false;
    }
}
