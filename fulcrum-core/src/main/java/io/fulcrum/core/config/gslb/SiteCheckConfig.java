package io.fulcrum.core.config.gslb;

import java.time.Duration;

/**
 * How a site checks the other sites' VIPs.
 *
 * @param interval   time between two checks of one VIP
 * @param timeout    longest a check may take
 * @param fall       consecutive failures that mark a VIP down
 * @param rise       consecutive successes that mark it up again
 * @param halfLife   the time-weighted average response time forgets a sample's weight by half in this time
 */
public record SiteCheckConfig(Duration interval, Duration timeout, Integer fall, Integer rise, Duration halfLife) {

    public SiteCheckConfig {
        interval = interval == null ? Duration.ofSeconds(5) : interval;
        timeout = timeout == null ? Duration.ofSeconds(2) : timeout;
        fall = fall == null ? 2 : fall;
        rise = rise == null ? 2 : rise;
        halfLife = halfLife == null ? Duration.ofSeconds(30) : halfLife;
    }

    public static SiteCheckConfig defaults() {
        return new SiteCheckConfig(null, null, null, null, null);
    }
}
