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
 * @param mode        {@code proxy} (default: the L4 router terminates each flow), {@code dsr} (packet
 *                    mode, direct server return: frames go to the backend with only the MAC rewritten)
 *                    or {@code dnat} (packet mode: destination rewritten, replies translated back)
 * @param packetInterface packet modes: the network interface the VIPs are reached on (default {@code eth0})
 */
public record VirtualServiceConfig(@Required String name, List<String> vips, L4TimeoutsConfig timeouts,
                                   List<VipTimeoutsConfig> vipTimeouts, List<L4ListenerConfig> listeners,
                                   String mode, String packetInterface) {

    /** The proxy mode's L4 router terminates each flow; the packet modes forward frames. */
    public static final String PROXY = "proxy";
    public static final String DSR = "dsr";
    public static final String DNAT = "dnat";

    public VirtualServiceConfig {
        mode = mode == null ? PROXY : mode;
        packetInterface = packetInterface == null ? "eth0" : packetInterface;
        vips = vips == null ? List.of() : List.copyOf(vips);
        timeouts = timeouts == null ? L4TimeoutsConfig.inherit() : timeouts;
        vipTimeouts = vipTimeouts == null ? List.of() : List.copyOf(vipTimeouts);
        listeners = listeners == null ? List.of() : List.copyOf(listeners);
    }

    /** A proxy-mode service (the fields before {@code mode}). */
    public VirtualServiceConfig(String name, List<String> vips, L4TimeoutsConfig timeouts,
                                List<VipTimeoutsConfig> vipTimeouts, List<L4ListenerConfig> listeners) {
        this(name, vips, timeouts, vipTimeouts, listeners, PROXY, null);
    }

    /** Whether the L4 router (not the packet path) serves this service. */
    public boolean proxyMode() {
        return PROXY.equals(mode);
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
