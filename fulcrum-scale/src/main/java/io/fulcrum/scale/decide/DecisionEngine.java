package io.fulcrum.scale.decide;

import io.fulcrum.core.config.scale.AutoscaleConfig;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Turns a pool's successive recommendations into decisions, with the rules of Kubernetes' HPA
 * ({@code behavior}) and AWS target tracking:
 *
 * <ol>
 *   <li><b>Stabilisation.</b> Every recommendation is remembered with its time. The pool grows only
 *       to the <em>lowest</em> recommendation of the last {@code stabilization.up}, and shrinks only to
 *       the <em>highest</em> of the last {@code stabilization.down}: a load has to last a window to
 *       move the pool, and a brief spike or dip moves nothing. Until a window has passed since the
 *       engine started, the size the pool had then stands for the missing recommendations.</li>
 *   <li><b>Scale-in protection.</b> With {@code scaleIn: false} the pool never shrinks on load.</li>
 *   <li><b>Limits.</b> The result is kept within {@code min..max} (this applies without any load too:
 *       a pool below {@code min} grows).</li>
 *   <li><b>Step.</b> One action adds or removes at most {@code step} members.</li>
 *   <li><b>Cooldown.</b> After an action ({@link #acted}), nothing is done for {@code cooldown}; the
 *       decision says so.</li>
 * </ol>
 * An operator's size ({@code set}) replaces the recommendation and skips stabilisation, and is still
 * kept within the limits, the step and the cooldown.
 *
 * <p>Not thread-safe: one scaler thread owns it. It has no clock: every call is given the time.
 */
public final class DecisionEngine {

    private record Timed(Instant at, int size) {
    }

    private AutoscaleConfig policy;
    private final Deque<Timed> history = new ArrayDeque<>();
    private Instant lastAction;

    public DecisionEngine(AutoscaleConfig policy) {
        this.policy = policy;
    }

    /** Takes a changed policy (a reload); the remembered recommendations and the cooldown stay. */
    public void policy(AutoscaleConfig next) {
        this.policy = next;
    }

    /** The policy now in force. */
    public AutoscaleConfig policy() {
        return policy;
    }

    /** Records that an action finished at {@code at}: the cooldown runs from then. */
    public void acted(Instant at) {
        lastAction = at;
    }

    /** When the running cooldown ends, or {@code null} when none runs at {@code now}. */
    public Instant cooldownUntil(Instant now) {
        if (lastAction == null) {
            return null;
        }
        Instant end = lastAction.plus(policy.cooldown());
        return now.isBefore(end) ? end : null;
    }

    /**
     * Decides for a pool of {@code current} members whose load is {@code load}.
     *
     * @param manual an operator's size, or {@code null} to follow the load
     */
    public Decision decide(Instant now, int current, LoadSample load, Integer manual) {
        if (history.isEmpty()) {
            history.addLast(new Timed(now, current)); // stands for the recommendations before the start
        }
        Recommendation rec;
        int stabilized;
        StringBuilder why = new StringBuilder();
        if (manual != null) {
            rec = new Recommendation(manual, "size " + manual + " set by an operator");
            stabilized = manual;
            why.append(rec.reason());
        } else {
            rec = Recommender.recommend(policy, current, load);
            remember(now, rec.size());
            why.append(rec.reason());
            int upRec = extreme(now, policy.stabilization().up(), true);
            int downRec = extreme(now, policy.stabilization().down(), false);
            if (current < upRec) {
                stabilized = upRec;
            } else if (current > downRec) {
                stabilized = downRec;
            } else {
                stabilized = current;
            }
            if (rec.size() > current && stabilized < rec.size()) {
                why.append("; the lowest recommendation of the last ")
                        .append(seconds(policy.stabilization().up())).append(" (stabilization.up) is ").append(upRec);
            } else if (rec.size() < current && stabilized > rec.size()) {
                why.append("; the highest recommendation of the last ")
                        .append(seconds(policy.stabilization().down())).append(" (stabilization.down) is ")
                        .append(downRec);
            }
            if (stabilized < current && !policy.scaleIn()) {
                stabilized = current;
                why.append("; scale-in is off (scaleIn: false)");
            }
        }
        int desired = Math.max(policy.min(), Math.min(policy.max(), stabilized));
        if (desired > stabilized) {
            why.append("; at least min ").append(policy.min());
        } else if (desired < stabilized) {
            why.append("; at most max ").append(policy.max());
        }
        int change = Math.max(-policy.step(), Math.min(policy.step(), desired - current));
        if (change != 0 && Math.abs(desired - current) > policy.step()) {
            why.append("; ").append(policy.step()).append(" at a time (step)");
        }
        String held = null;
        Instant cooldown = cooldownUntil(now);
        if (change != 0 && cooldown != null) {
            held = "cooldown until " + cooldown;
            change = 0;
        }
        return new Decision(now, current, rec.size(), desired, change, why.toString(), held);
    }

    private void remember(Instant now, int size) {
        history.addLast(new Timed(now, size));
        Duration keep = max(policy.stabilization().up(), policy.stabilization().down());
        // Keep one entry older than the windows: it is the recommendation in force at their start.
        Instant cutoff = now.minus(keep);
        while (history.size() > 1) {
            java.util.Iterator<Timed> it = history.iterator();
            it.next();
            if (it.next().at().isAfter(cutoff)) {
                break;
            }
            history.removeFirst();
        }
    }

    /**
     * The lowest ({@code lowest}) or highest recommendation in force during the last {@code window}:
     * those made in it, and the one in force at its start.
     */
    private int extreme(Instant now, Duration window, boolean lowest) {
        Instant from = now.minus(window);
        int best = lowest ? Integer.MAX_VALUE : Integer.MIN_VALUE;
        Timed before = null;
        for (Timed t : history) {
            if (!t.at().isBefore(from)) {
                best = lowest ? Math.min(best, t.size()) : Math.max(best, t.size());
            } else {
                before = t;
            }
        }
        if (before != null && !window.isZero()) {
            best = lowest ? Math.min(best, before.size()) : Math.max(best, before.size());
        }
        if (best == Integer.MAX_VALUE || best == Integer.MIN_VALUE) {
            return history.getLast().size();
        }
        return best;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
