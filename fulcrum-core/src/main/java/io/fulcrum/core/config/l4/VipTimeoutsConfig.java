package io.fulcrum.core.config.l4;

/**
 * Timeouts for one VIP of a virtual service (between the service level and the port level).
 *
 * @param vip      one of the service's {@code vips}
 * @param timeouts the timeouts set for it
 */
public record VipTimeoutsConfig(String vip, L4TimeoutsConfig timeouts) {

    public VipTimeoutsConfig {
        timeouts = timeouts == null ? L4TimeoutsConfig.inherit() : timeouts;
    }
}
