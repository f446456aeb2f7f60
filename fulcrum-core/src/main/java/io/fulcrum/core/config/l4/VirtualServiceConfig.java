package io.fulcrum.core.config.l4;

import io.fulcrum.core.config.Required;

import java.util.List;

/**
 * A virtual service (a "virtual cluster"): the VIPs clients use and, per (port, protocol),
 * a listener with its own pool. Traffic to an address or port no service owns is refused.
 *
 * @param name        unique name
 * @param vips        local addresses to bind (every listener is bound on each)
 * @param timeouts    service-level timeouts
 * @param vipTimeouts per-VIP timeouts
 * @param listeners   one per (port, protocol)
 */
public record VirtualServiceConfig(@Required String name, List<String> vips, L4TimeoutsConfig timeouts,
                                   List<VipTimeoutsConfig> vipTimeouts, List<L4ListenerConfig> listeners) {

    public VirtualServiceConfig {
        vips = vips == null ? List.of() : List.copyOf(vips);
        timeouts = timeouts == null ? L4TimeoutsConfig.inherit() : timeouts;
        vipTimeouts = vipTimeouts == null ? List.of() : List.copyOf(vipTimeouts);
        listeners = listeners == null ? List.of() : List.copyOf(listeners);
    }

    /** The timeouts set for one VIP, or all-inherit. */
    public L4TimeoutsConfig timeoutsFor(String vip) {
        for (VipTimeoutsConfig v : vipTimeouts) {
            if (v.vip() != null && v.vip().equals(vip)) {
                return v.timeouts();
            }
        }
        return L4TimeoutsConfig.inherit();
    }
}
