package io.fulcrum.core.config.gslb;

import java.time.Duration;

/**
 * What the site checks share. Each VIP's own {@code check} says how it is checked (type,
 * interval, timeout, rise, fall); this says how their times are averaged.
 *
 * @param halfLife the time-weighted average response time forgets a sample's weight by half in this time
 */
public record SiteCheckConfig(Duration halfLife) {

    public SiteCheckConfig {
        halfLife = halfLife == null ? Duration.ofSeconds(30) : halfLife;
    }

    public static SiteCheckConfig defaults() {
        return new SiteCheckConfig(null);
    }
}
