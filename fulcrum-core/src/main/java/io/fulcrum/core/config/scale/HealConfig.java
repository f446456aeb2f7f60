package io.fulcrum.core.config.scale;

import java.time.Duration;

/**
 * Self-healing of the members a pool's provisioner runs: one that has been down (its health checks
 * fail, or an operator failed it) for {@code downFor} is replaced, stopped and started anew, at most
 * {@code maxPerHour} times an hour for the pool.
 *
 * @param enabled    whether failed members are replaced; default true
 * @param downFor    how long a member stays down before it is replaced; default 30 s
 * @param maxPerHour most replacements in any hour; default 6
 */
public record HealConfig(Boolean enabled, Duration downFor, Integer maxPerHour) {

    public HealConfig {
        enabled = enabled == null ? Boolean.TRUE : enabled;
        downFor = downFor == null ? Duration.ofSeconds(30) : downFor;
        maxPerHour = maxPerHour == null ? 6 : maxPerHour;
    }

    /** The default healing. */
    public static HealConfig defaults() {
        return new HealConfig(null, null, null);
    }
}
