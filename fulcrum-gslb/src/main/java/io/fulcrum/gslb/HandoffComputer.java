package io.fulcrum.gslb;

import io.fulcrum.core.config.gslb.GslbConfig;
import io.fulcrum.core.config.site.SiteConfig;
import io.fulcrum.gslb.check.VipState;
import io.fulcrum.gslb.handoff.FreeCapacityOrder;
import io.fulcrum.gslb.handoff.HandoffTable;
import io.fulcrum.gslb.handoff.PreferenceLists;
import io.fulcrum.gslb.peer.PeerStatus;
import io.fulcrum.gslb.peer.SiteReport;
import io.fulcrum.gslb.site.LocalCapacity;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Computes the hand-off (requirements 2.5 items 5-6) from a site state: which sites are down,
 * the ordered hand-off table (OHW over every site's preference list, or by free capacity in
 * the small-deployment mode), and the preference list this site advertises. No state of its
 * own: the same inputs give the same table at every site.
 */
final class HandoffComputer {

    private HandoffComputer() {
    }

    /**
     * {@code state} with its down sites and hand-off table computed from its other fields.
     * The own row of the table is the preference list as advertised ({@code state.preferences()}),
     * not a fresher one: every site must compute from the lists the others have.
     */
    static SiteState handoff(SiteState state) {
        if (state.settings() == null) {
            return state;
        }
        Set<String> down = new HashSet<>();
        for (SiteConfig site : state.settings().sites()) {
            if (!state.siteUp(site.name())) {
                down.add(site.name());
            }
        }
        return state.withHandoff(down, table(state, down));
    }

    private static HandoffTable table(SiteState state, Set<String> down) {
        GslbConfig c = state.settings().config();
        String self = state.settings().self();
        if (c.preferFreeCapacity() && state.settings().sites().size() <= 3) {
            Map<String, Double> free = new HashMap<>();
            double own = state.local().freeFraction();
            if (!Double.isNaN(own)) {
                free.put(self, own);
            }
            for (var e : state.peers().entrySet()) {
                SiteReport r = e.getValue().report();
                double f = r == null ? Double.NaN : LocalCapacity.freeFraction(r.capacity());
                if (!Double.isNaN(f)) {
                    free.put(e.getKey(), f);
                }
            }
            return FreeCapacityOrder.compute(free, down);
        }
        Map<String, List<String>> lists = new HashMap<>();
        lists.put(self, state.preferences());
        for (Map.Entry<String, PeerStatus> e : state.peers().entrySet()) {
            SiteReport r = e.getValue().report();
            if (r != null) {
                lists.put(e.getKey(), r.preferences());
            }
        }
        return HandoffTable.compute(lists, c.handoffWeights(), down);
    }

    /**
     * The preference list to advertise next: the other sites by the response time of their
     * VIPs as measured here, fastest first, reordered only past a margin. Computed when a
     * report is about to go out, so the own row is always the list the peers have.
     */
    static List<String> preferences(SiteState state) {
        Map<String, Double> measured = new HashMap<>();
        for (Map.Entry<String, List<VipState>> e : state.remoteVips().entrySet()) {
            double t = state.measuredMillis(e.getKey());
            if (!Double.isNaN(t)) {
                measured.put(e.getKey(), t);
            }
        }
        return PreferenceLists.of(state.self(), measured, state.preferences());
    }
}
