package io.fulcrum.scale.decide;

import io.fulcrum.core.config.scale.AutoscaleConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a decision is told in a {@code scale.decision} event, the same for a pool and for the proxy tier:
 * what it does in words, and its numbers as the event's details.
 */
public final class DecisionReport {

    private DecisionReport() {
    }

    /** What the decision does, in words: {@code scale out by 1}, {@code stay at 2}, {@code wait (...)}. */
    public static String what(Decision d) {
        return d.change() > 0 ? "scale out by " + d.change() : d.change() < 0 ? "scale in by " + -d.change()
                : d.desired() == d.current() ? "stay at " + d.current() : "wait (" + d.held() + ")";
    }

    /** The event's reason: {@link #what}, the rule's reason, and that nothing is done in a dry run. */
    public static String reason(AutoscaleConfig policy, Decision d) {
        return (policy.dryRun() ? "dry run, nothing done: " : "") + what(d) + ": " + d.reason();
    }

    /** The event's details: the metric and its reading, the sizes, the change and what held it. */
    public static Map<String, String> details(AutoscaleConfig policy, LoadSample load, Decision d) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("metric", policy.metric());
        details.put("value", Double.isNaN(load.value()) ? "" : Double.toString(round(load.value())));
        details.put("busiest", Double.isNaN(load.busiest()) ? "" : Double.toString(round(load.busiest())));
        details.put("ready", Integer.toString(load.ready()));
        details.put("current", Integer.toString(d.current()));
        details.put("recommended", Integer.toString(d.recommended()));
        details.put("desired", Integer.toString(d.desired()));
        details.put("change", Integer.toString(d.change()));
        details.put("dryRun", Boolean.toString(policy.dryRun()));
        if (d.held() != null) {
            details.put("held", d.held());
        }
        return details;
    }

    /** The key that tells one decision from the next: a decision equal to the previous one is not told again. */
    public static String key(Decision d) {
        return d.current() + ">" + d.desired() + ":" + d.change() + ":" + (d.held() != null);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
