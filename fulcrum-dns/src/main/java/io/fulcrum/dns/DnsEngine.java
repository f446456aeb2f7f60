package io.fulcrum.dns;

import io.fulcrum.core.cluster.LiveMembers;
import io.fulcrum.core.config.dns.DnsConfig;
import io.fulcrum.core.gslb.SiteStateView;
import io.fulcrum.dns.geo.GeoLocator;
import io.fulcrum.dns.zone.ZoneSnapshot;

import java.util.Objects;

/**
 * What every event loop answers from, swapped atomically: the zone snapshot (a reload
 * replaces it, and with it every cached answer), the geo locator, and the site-state
 * view the GSLB policies read, and which cluster members are live (GSLB answers list only
 * theirs). Plus the shared statistics.
 */
public final class DnsEngine {

    private volatile ZoneSnapshot snapshot = ZoneSnapshot.empty();
    private volatile GeoLocator geo = new GeoLocator(null);
    private volatile SiteStateView siteState = SiteStateView.unknown();
    private volatile LiveMembers liveMembers = LiveMembers.everyone();
    private volatile int udpPayloadSize = DnsConfig.DEFAULT_UDP_PAYLOAD_SIZE;
    private final DnsStats stats = new DnsStats();

    public ZoneSnapshot snapshot() {
        return snapshot;
    }

    public void snapshot(ZoneSnapshot s) {
        snapshot = Objects.requireNonNull(s);
    }

    public GeoLocator geo() {
        return geo;
    }

    public void geo(GeoLocator g) {
        geo = Objects.requireNonNull(g);
    }

    public SiteStateView siteState() {
        return siteState;
    }

    /** Plugs in the site state (cached GSLB answers are rebuilt on their next use). */
    public void siteState(SiteStateView view) {
        siteState = Objects.requireNonNull(view);
    }

    /** Which cluster members are live ({@link LiveMembers#everyone()} outside a cluster). */
    public LiveMembers liveMembers() {
        return liveMembers;
    }

    /** Plugs in the cluster's membership view (cached GSLB answers are rebuilt on their next use). */
    public void liveMembers(LiveMembers members) {
        liveMembers = Objects.requireNonNull(members);
    }

    public int udpPayloadSize() {
        return udpPayloadSize;
    }

    public void udpPayloadSize(int size) {
        udpPayloadSize = size;
    }

    public DnsStats stats() {
        return stats;
    }
}
