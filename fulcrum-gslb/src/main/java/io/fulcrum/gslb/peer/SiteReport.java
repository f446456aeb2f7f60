package io.fulcrum.gslb.peer;

import java.util.List;

/**
 * What a site tells its peers about itself and what it measures (the body of UPDATE and
 * EVENT).
 *
 * @param preferences     the sender's preference list: its peers, fastest first
 * @param responseTimes   the sender's time-weighted response times to other sites' VIPs
 * @param capacity        the sender's own VIPs with the connections they can still take
 * @param freeMemoryBytes memory the sender's process can still use
 * @param limitHit        whether the sender is at a local limit (no healthy server, or all at max connections)
 */
public record SiteReport(List<String> preferences, List<VipTime> responseTimes, List<VipCapacity> capacity,
                         long freeMemoryBytes, boolean limitHit) {

    public SiteReport {
        preferences = List.copyOf(preferences);
        responseTimes = List.copyOf(responseTimes);
        capacity = List.copyOf(capacity);
    }

    /**
     * One measured remote VIP.
     *
     * @param site   the VIP's site
     * @param vip    the VIP address
     * @param millis time-weighted average response time; NaN when not measured yet
     * @param up     whether it passes the sender's checks
     */
    public record VipTime(String site, String vip, double millis, boolean up) {
    }

    /**
     * One of the sender's own VIPs.
     *
     * @param vip       the VIP address
     * @param available connections it can still take; -1 when unknown (no limit configured)
     * @param total     its capacity; -1 when unknown
     */
    public record VipCapacity(String vip, long available, long total) {
    }
}
