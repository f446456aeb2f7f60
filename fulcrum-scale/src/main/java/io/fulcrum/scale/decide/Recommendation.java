package io.fulcrum.scale.decide;

/**
 * The size a pool's load asks for, before stabilisation and limits.
 *
 * @param size   the number of members
 * @param reason why, in words (the metric, its value and the rule that gave the size)
 */
public record Recommendation(int size, String reason) {
}
