package io.fulcrum.scale.decide;

import java.time.Instant;

/**
 * One evaluation of a pool: what its load recommends, the size it should have, and the change
 * made now.
 *
 * @param at          when
 * @param current     members now
 * @param recommended what the load alone asks for ({@link Recommender})
 * @param desired     the size the pool should have: the recommendation after stabilisation, scale-in
 *                    protection and min/max
 * @param change      members to add (positive) or remove (negative) now: towards {@code desired}, at
 *                    most {@code step}, and 0 while a cooldown runs
 * @param reason      why, in words
 * @param held        what keeps the pool from {@code desired} now (a cooldown), or {@code null}
 */
public record Decision(Instant at, int current, int recommended, int desired, int change, String reason,
                       String held) {

    /** Whether this decision adds or removes members now. */
    public boolean acts() {
        return change != 0;
    }
}
