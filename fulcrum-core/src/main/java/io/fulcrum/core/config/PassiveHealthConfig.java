package io.fulcrum.core.config;

import java.time.Duration;

/**
 * Passive health (outlier ejection): a backend that fails this many times in a row
 * (connect failure, reset, 5xx from the backend when enabled) is ejected for a back-off period.
 *
 * @param enabled             on/off
 * @param consecutiveFailures failures in a row that eject a backend
 * @param ejectTime           first ejection period; doubles on each repeated ejection up to {@code maxEjectTime}
 * @param maxEjectTime        longest ejection period
 * @param count5xx            whether 5xx responses from the backend count as failures
 */
public record PassiveHealthConfig(Boolean enabled, Integer consecutiveFailures, Duration ejectTime,
                                  Duration maxEjectTime, Boolean count5xx) {

    public PassiveHealthConfig {
        enabled = enabled == null ? Boolean.TRUE : enabled;
        consecutiveFailures = consecutiveFailures == null ? 3 : consecutiveFailures;
        ejectTime = ejectTime == null ? Duration.ofSeconds(10) : ejectTime;
        maxEjectTime = maxEjectTime == null ? Duration.ofMinutes(5) : maxEjectTime;
        count5xx = count5xx == null ? Boolean.FALSE : count5xx;
    }

    public static PassiveHealthConfig defaults() {
        return new PassiveHealthConfig(null, null, null, null, null);
    }
}
