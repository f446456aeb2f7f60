package io.fulcrum.core.config.scale;

import java.time.Duration;

/**
 * The stabilisation windows of a policy (Kubernetes HPA's {@code behavior.*.stabilizationWindowSeconds}):
 * a scale-out goes only as far as the lowest recommendation of the last {@code up}, a scale-in only as
 * far as the highest recommendation of the last {@code down}, so a brief spike or dip moves nothing.
 *
 * @param up   how long a higher load must last before the pool grows; default 0 (at once)
 * @param down how long a lower load must last before it shrinks; default 5 minutes
 */
public record StabilizationConfig(Duration up, Duration down) {

    public StabilizationConfig {
        up = up == null ? Duration.ZERO : up;
        down = down == null ? Duration.ofMinutes(5) : down;
    }

    /** The default windows. */
    public static StabilizationConfig defaults() {
        return new StabilizationConfig(null, null);
    }
}
