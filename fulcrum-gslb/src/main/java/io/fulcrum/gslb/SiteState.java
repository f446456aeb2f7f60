package io.fulcrum.gslb;

import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.site.SiteConfig;
import io.fulcrum.core.gslb.SiteStateView;
import io.fulcrum.gslb.check.VipState;
import io.fulcrum.gslb.handoff.HandoffRotation;
import io.fulcrum.gslb.handoff.HandoffTable;
import io.fulcrum.gslb.peer.PeerStatus;
import io.fulcrum.gslb.peer.SiteReport;
import io.fulcrum.gslb.site.GslbSettings;
import io.fulcrum.gslb.site.LocalCapacity;
import io.fulcrum.gslb.site.SettledValues;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Everything this site knows about the GSLB sites at one moment, published whole by the
 * {@link SiteStateService}: each new state replaces the last in one write, so a reader that
 * holds one (DNS building an answer set, the hand-off, an admin view) sees one moment, never
 * half of an older one and half of a newer one. Made on the service's thread only.
 *
 * @param settings    the configuration in force; {@code null} while GSLB is off (then every site is up)
 * @param version     moves whenever an answer of the {@link SiteStateView} changes, never otherwise
 * @param vips        every site's VIPs as this site's checks see them (its own included), by site
 * @param local       the own site's capacity as last read from the proxy
 * @param peers       what each peer that has reported told us, by site
 * @param preferences the preference list this site advertises (its peers, fastest first)
 * @param down        the sites seen as down
 * @param table       the hand-off table, best first
 * @param shares      the table's shares by site, in table order
 * @param rotation    the hand-off's walk over {@code table} (its cursor is shared by the states of one table)
 * @param times       response times per site as published (moved past a margin only)
 * @param capacities  remaining connections per site as published (moved past a margin only)
 */
public record SiteState(GslbSettings settings, long version, Map<String, List<VipState>> vips, LocalCapacity local,
                        Map<String, PeerStatus> peers, List<String> preferences, Set<String> down,
                        HandoffTable table, Map<String, Double> shares, HandoffRotation rotation,
                        SettledValues times, SettledValues capacities) implements SiteStateView {

    private static final LocalCapacity NOTHING_READ = new LocalCapacity(List.of(), false, List.of());

    /** GSLB off: every site up, nothing measured. */
    static SiteState off(long version) {
        return new SiteState(null, version, Map.of(), NOTHING_READ, Map.of(), List.of(), Set.of(),
                HandoffTable.EMPTY, Map.of(), new HandoffRotation(HandoffTable.EMPTY, Set.of()),
                SettledValues.responseTimes(), SettledValues.capacities());
    }

    /** A configuration just applied: nothing measured yet, what the peers reported kept. */
    static SiteState started(GslbSettings settings, long version, Map<String, List<VipState>> vips,
                             Map<String, PeerStatus> peers) {
        return off(version).measured(settings, vips, NOTHING_READ, peers, List.of());
    }

    /**
     * This state with new inputs: the VIPs, the local capacity, the peers and the preference
     * list this site advertises, with every site's time and capacity settled against the
     * published ones. The hand-off ({@code down}, {@code table}) is left to
     * {@link HandoffComputer}.
     */
    SiteState measured(GslbSettings s, Map<String, List<VipState>> vipsNow, LocalCapacity localNow,
                       Map<String, PeerStatus> peersNow, List<String> preferencesNow) {
        SiteState next = new SiteState(s, version, Map.copyOf(vipsNow), localNow, Map.copyOf(peersNow),
                List.copyOf(preferencesNow), down, table, shares, rotation, times, capacities);
        SettledValues t = s == settings ? times : times.cleared();
        SettledValues c = s == settings ? capacities : capacities.cleared();
        for (SiteConfig site : s.sites()) {
            t = t.settle(site.name(), next.measuredMillis(site.name()));
            c = c.settle(site.name(), next.measuredCapacity(site.name()));
        }
        return new SiteState(s, version, next.vips, localNow, next.peers, next.preferences, down, table, shares,
                rotation, t, c);
    }

    /** This state with a hand-off computed from it; the rotation goes on while the table stays. */
    SiteState withHandoff(Set<String> downNow, HandoffTable tableNow) {
        boolean same = tableNow.equals(table);
        return new SiteState(settings, version, vips, local, peers, preferences, Set.copyOf(downNow),
                same ? table : tableNow,
                same ? shares : Collections.unmodifiableMap(tableNow.shares()),
                same ? rotation : new HandoffRotation(tableNow, settings == null ? Set.of() : Set.of(settings.self())),
                times, capacities);
    }

    /** This state under another version. */
    SiteState withVersion(long v) {
        return new SiteState(settings, v, vips, local, peers, preferences, down, table, shares, rotation, times,
                capacities);
    }

    /** This site's name, or {@code null} while GSLB is off. */
    public String self() {
        return settings == null ? null : settings.self();
    }

    // ---- SiteStateView --------------------------------------------------------------------------

    @Override
    public boolean siteUp(String site) {
        if (settings == null) {
            return true;
        }
        if (site.equals(settings.self())) {
            return !local.limitHit();
        }
        PeerStatus p = peers.get(site);
        if (p != null && p.report() != null && p.report().limitHit()) {
            return false;
        }
        List<VipState> list = vips.get(site);
        if (list == null || list.isEmpty()) {
            return true;
        }
        for (VipState v : list) {
            if (v.up()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean vipUp(String site, String vip) {
        if (settings == null) {
            return true;
        }
        if (site.equals(settings.self())) {
            for (String limited : local.limited()) {
                if (sameVip(limited, vip)) {
                    return false;
                }
            }
            return true;
        }
        for (VipState v : vips.getOrDefault(site, List.of())) {
            if (sameVip(v.vip(), vip)) {
                return v.up();
            }
        }
        return true;
    }

    /**
     * The site's response time as this site measures it (own site included), published
     * only once it has moved past the reordering margin ({@link SettledValues#responseTimes()}).
     */
    @Override
    public OptionalDouble responseTimeMillis(String site) {
        return settings == null ? OptionalDouble.empty() : times.get(site);
    }

    /**
     * The site's remaining connections (own: read from the proxy; peers: as reported),
     * published only once they have moved past a margin ({@link SettledValues#capacities()}).
     */
    @Override
    public OptionalLong remainingCapacity(String site) {
        if (settings == null) {
            return OptionalLong.empty();
        }
        OptionalDouble c = capacities.get(site);
        return c.isPresent() ? OptionalLong.of((long) c.getAsDouble()) : OptionalLong.empty();
    }

    @Override
    public Map<String, Double> handoffShares() {
        return shares;
    }

    /** This state itself: it is one moment already. */
    @Override
    public SiteStateView snapshot() {
        return this;
    }

    // ---- for the hand-off, the peers and the admin API -----------------------------------

    /** The last report of this peer, or {@code null}. */
    public SiteReport lastReport(String site) {
        PeerStatus p = peers.get(site);
        return p == null ? null : p.report();
    }

    /** EVENT messages received from this peer. */
    public long eventsFrom(String site) {
        PeerStatus p = peers.get(site);
        return p == null ? 0 : p.events();
    }

    /** The next site a request this site cannot serve goes to, or {@code null} to refuse. */
    String nextHandoffTarget() {
        if (settings == null) {
            return null;
        }
        String self = settings.self();
        return rotation.next(site -> !site.equals(self) && siteUp(site));
    }

    /** This site's state as it goes into UPDATE and EVENT. */
    SiteReport report(long freeMemoryBytes) {
        List<SiteReport.VipTime> measured = new ArrayList<>();
        for (List<VipState> list : remoteVips().values()) {
            for (VipState v : list) {
                measured.add(new SiteReport.VipTime(v.site(), v.vip(), v.averageMillis(), v.up()));
            }
        }
        return new SiteReport(preferences, measured, local.vips(), freeMemoryBytes, local.limitHit());
    }

    /** The other sites' VIPs, in configuration order. */
    Map<String, List<VipState>> remoteVips() {
        Map<String, List<VipState>> out = new LinkedHashMap<>();
        if (settings == null) {
            return out;
        }
        for (SiteConfig site : settings.sites()) {
            if (!site.name().equals(settings.self()) && vips.containsKey(site.name())) {
                out.put(site.name(), vips.get(site.name()));
            }
        }
        return out;
    }

    /** The mean of the site's VIPs' time-weighted averages as measured now, NaN when none is. */
    double measuredMillis(String site) {
        double sum = 0;
        int n = 0;
        for (VipState v : vips.getOrDefault(site, List.of())) {
            if (!Double.isNaN(v.averageMillis())) {
                sum += v.averageMillis();
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** The site's remaining connections as last read or reported, NaN when unknown. */
    double measuredCapacity(String site) {
        long r;
        if (settings == null) {
            return Double.NaN;
        } else if (site.equals(settings.self())) {
            r = local.remaining();
        } else {
            SiteReport report = lastReport(site);
            if (report == null) {
                return Double.NaN;
            }
            r = LocalCapacity.remaining(report.capacity());
        }
        return r < 0 ? Double.NaN : r;
    }

    /** {@code vip} given as {@code host:port} or just the host. */
    private static boolean sameVip(String configured, String asked) {
        if (configured.equals(asked)) {
            return true;
        }
        return HostPort.parse(configured).host().equals(asked);
    }
}
