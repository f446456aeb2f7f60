package io.fulcrum.scale.decide;

import io.fulcrum.core.config.scale.AutoscaleConfig;
import io.fulcrum.core.config.scale.PerBackendConfig;

import java.util.Locale;

/**
 * The size a load asks for under a policy (one evaluation, no memory).
 *
 * <ul>
 *   <li>Target tracking (HPA's formula): {@code ceil(ready × value / target)}, unless
 *       {@code value / target} is within {@code 1 ± tolerance}, where the size stays.</li>
 *   <li>Step scaling: {@code step} more above {@code scaleOutAbove}, {@code step} fewer below
 *       {@code scaleInBelow}, the same in between.</li>
 *   <li>Per backend: at least {@code step} more when the busiest backend is above
 *       {@code perBackend.scaleOutAbove}; no fewer while it is at or above {@code perBackend.scaleInBelow}.</li>
 * </ul>
 * Without a reading, or with no backend taking traffic, the size stays what it is.
 */
public final class Recommender {

    private Recommender() {
    }

    /** What {@code load} asks of a pool of {@code current} members under {@code policy}. */
    public static Recommendation recommend(AutoscaleConfig policy, int current, LoadSample load) {
        String metric = policy.metric();
        if (!load.known() || load.ready() == 0) {
            return new Recommendation(current, load.ready() == 0 ? "no backend takes traffic: no reading of " + metric
                    : "no reading of " + metric + " yet");
        }
        int size;
        String why;
        if (policy.tracksTarget()) {
            double ratio = load.value() / policy.target();
            if (Math.abs(ratio - 1) <= policy.tolerance()) {
                size = current;
                why = String.format(Locale.ROOT, "%s %s is within %s%% of the target %s", metric, num(load.value()),
                        num(policy.tolerance() * 100), num(policy.target()));
            } else {
                size = (int) Math.ceil(load.ready() * ratio - 1e-9);
                why = String.format(Locale.ROOT, "%s %s against the target %s: %d ready x %s = %d", metric,
                        num(load.value()), num(policy.target()), load.ready(), num(ratio), size);
            }
        } else if (load.value() > policy.scaleOutAbove()) {
            size = current + policy.step();
            why = String.format(Locale.ROOT, "%s %s is above scaleOutAbove %s", metric, num(load.value()),
                    num(policy.scaleOutAbove()));
        } else if (load.value() < policy.scaleInBelow()) {
            size = current - policy.step();
            why = String.format(Locale.ROOT, "%s %s is below scaleInBelow %s", metric, num(load.value()),
                    num(policy.scaleInBelow()));
        } else {
            size = current;
            why = String.format(Locale.ROOT, "%s %s is between scaleInBelow %s and scaleOutAbove %s", metric,
                    num(load.value()), num(policy.scaleInBelow()), num(policy.scaleOutAbove()));
        }
        PerBackendConfig pb = policy.perBackend();
        if (!Double.isNaN(load.busiest())) {
            if (pb.scaleOutAbove() != null && load.busiest() > pb.scaleOutAbove() && size < current + policy.step()) {
                size = current + policy.step();
                why += String.format(Locale.ROOT, "; the busiest backend's %s is above perBackend.scaleOutAbove %s",
                        num(load.busiest()), num(pb.scaleOutAbove()));
            } else if (pb.scaleInBelow() != null && size < current && load.busiest() >= pb.scaleInBelow()) {
                size = current;
                why += String.format(Locale.ROOT, "; no scale-in: the busiest backend's %s is not below "
                        + "perBackend.scaleInBelow %s", num(load.busiest()), num(pb.scaleInBelow()));
            }
        }
        return new Recommendation(Math.max(0, size), why);
    }

    /** A number for a reason: at most three decimals, no trailing zeros. */
    static String num(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
