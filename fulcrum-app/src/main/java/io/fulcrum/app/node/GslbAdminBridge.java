package io.fulcrum.app.node;

import io.fulcrum.admin.spi.AdminReadable;
import io.fulcrum.admin.spi.MetricsSource;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.gslb.PeerConfig;
import io.fulcrum.gslb.SiteState;
import io.fulcrum.gslb.SiteStateService;
import io.fulcrum.gslb.peer.SiteReport;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shows the site-state peers in the admin API ({@code GET /api/v1/gslb/peers}): for each
 * configured peer its address, whether its site is seen as up, the EVENTs received from it
 * and its last report (preference list, response times, capacity, free memory, local
 * limit). Secrets are never shown. On {@code /metrics}, while GSLB is on, whether each
 * configured site is seen as up.
 */
final class GslbAdminBridge extends AdminBridge implements AdminReadable, MetricsSource {

    private final SiteStateService sites;

    GslbAdminBridge(SiteStateService sites) {
        super("gslb-admin");
        this.sites = sites;
    }

    /** Shown while GSLB is on. */
    @Override
    public boolean inUse() {
        return sites.inUse();
    }

    @Override
    public String adminPath() {
        return "gslb/peers";
    }

    @Override
    public Object adminSnapshot() {
        FulcrumConfig c = config();
        List<Map<String, Object>> out = new ArrayList<>();
        if (c == null || !c.gslb().enabled()) {
            return out;
        }
        SiteState state = sites.snapshot(); // every peer's row from the same moment
        for (PeerConfig p : c.gslb().peers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("site", p.site());
            m.put("address", p.address().toString());
            m.put("interval", p.interval() == null ? null : p.interval().toString());
            m.put("keyId", p.keyId());
            m.put("up", state.siteUp(p.site()));
            m.put("eventsReceived", state.eventsFrom(p.site()));
            SiteReport r = state.lastReport(p.site());
            m.put("lastReport", r == null ? null : Map.of(
                    "preferences", r.preferences(),
                    "responseTimes", r.responseTimes(),
                    "capacity", r.capacity(),
                    "freeMemoryBytes", r.freeMemoryBytes(),
                    "limitHit", r.limitHit()));
            out.add(m);
        }
        return out;
    }

    @Override
    public void registerMetrics(PrometheusRegistry registry) {
        GaugeWithCallback.builder().name("fulcrum_gslb_site_up")
                .help("1 while this node sees the GSLB site as up (its VIPs pass their checks or its peer reports them), else 0.")
                .labelNames("site")
                .callback(cb -> eachSite((state, site) -> cb.call(state.siteUp(site) ? 1 : 0, site)))
                .register(registry);
    }

    /** Each configured site with one snapshot of their states, while GSLB is on (no series otherwise). */
    private void eachSite(java.util.function.BiConsumer<SiteState, String> report) {
        FulcrumConfig c = config();
        if (c == null || !inUse()) {
            return;
        }
        SiteState state = sites.snapshot();
        for (var site : c.sites()) {
            report.accept(state, site.name());
        }
    }
}
