package io.fulcrum.gslb.site;

import io.fulcrum.gslb.handoff.PreferenceLists;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A measurement per site as the site-state view publishes it: the published value moves
 * only when the measurement has moved past a margin from it. Every check nudges a response
 * time and every check in flight nudges a capacity; only a move past the margin is a
 * change that readers (DNS answers) need to see, and only then does the view's version
 * move.
 *
 * <p>Immutable: {@link #settle} gives the next value, so a site-state snapshot can hold one.
 */
public final class SettledValues {

    /** Whether a value moved far enough from the one published to be published. */
    @FunctionalInterface
    interface Margin {
        boolean passed(double published, double now);
    }

    private final Margin margin;
    private final Map<String, Double> published;

    private SettledValues(Margin margin, Map<String, Double> published) {
        this.margin = margin;
        this.published = published;
    }

    /**
     * Response times in ms: the margin that reorders preference lists
     * ({@link PreferenceLists#MARGIN_MILLIS} or {@link PreferenceLists#MARGIN_FRACTION} of the
     * larger, whichever is larger).
     */
    public static SettledValues responseTimes() {
        return new SettledValues((before, now) -> Math.abs(now - before)
                > Math.max(PreferenceLists.MARGIN_MILLIS, PreferenceLists.MARGIN_FRACTION * Math.max(before, now)),
                Map.of());
    }

    /**
     * Remaining connections: a tenth of the larger (at least one connection), and always
     * to or from none left, which is what the {@code load} policy puts last.
     */
    public static SettledValues capacities() {
        return new SettledValues((before, now) -> (before == 0) != (now == 0)
                || Math.abs(now - before) > Math.max(1, 0.1 * Math.max(before, now)), Map.of());
    }

    /**
     * Takes a site's current measurement: the values with it published when it moved past
     * the margin, else these same values.
     *
     * @param now the measurement, NaN when there is none (then the site is forgotten)
     */
    public SettledValues settle(String site, double now) {
        Double before = published.get(site);
        boolean change = Double.isNaN(now) ? before != null : before == null || margin.passed(before, now);
        if (!change) {
            return this;
        }
        Map<String, Double> next = new HashMap<>(published);
        if (Double.isNaN(now)) {
            next.remove(site);
        } else {
            next.put(site, now);
        }
        return new SettledValues(margin, Map.copyOf(next));
    }

    /** The published value of the site, if it has one. */
    public OptionalDouble get(String site) {
        Double v = published.get(site);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** The same margin with no site published (the checks start again). */
    public SettledValues cleared() {
        return new SettledValues(margin, Map.of());
    }
}
