package io.fulcrum.admin.api;

import io.fulcrum.admin.AdminNode;
import io.fulcrum.admin.metrics.LiveStats;
import io.fulcrum.admin.metrics.ProxyMetrics;
import io.fulcrum.admin.state.AdminState;
import io.fulcrum.admin.state.StateData;
import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.backend.CheckReport;
import io.fulcrum.core.backend.WeightOrigin;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.gslb.SiteStateView;
import io.fulcrum.core.l4.ConnectionTableSource;
import io.fulcrum.core.lifecycle.NodeService;
import io.fulcrum.core.sticky.StickyTable;
import io.fulcrum.proxy.runtime.ListenerRuntime;
import io.fulcrum.proxy.runtime.PoolRuntime;
import io.fulcrum.proxy.runtime.RouteRuntime;
import io.fulcrum.proxy.runtime.RuntimeState;
import io.fulcrum.proxy.tls.ServedCertificate;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The read side of the API: what the running system holds, as JSON-ready maps and
 * lists. Everything is read from the live objects at the moment of the request.
 */
final class ReadViews {

    private final AdminNode node;
    private final AdminState state;
    private final ProxyMetrics metrics;
    private final long startedMillis = System.currentTimeMillis();

    ReadViews(AdminNode node, AdminState state, ProxyMetrics metrics) {
        this.node = node;
        this.state = state;
        this.metrics = metrics;
    }

    Map<String, Object> status() {
        FulcrumConfig c = node.config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("site", c.server().site());
        m.put("host", c.server().host());
        m.put("configFile", node.configFile() == null ? null : node.configFile().toString());
        m.put("stateFile", state.file() == null ? null : state.file().toString());
        m.put("startedAt", java.time.Instant.ofEpochMilli(startedMillis).toString());
        m.put("uptimeSeconds", TimeUnit.MILLISECONDS.toSeconds(System.currentTimeMillis() - startedMillis));
        m.put("version", StatsTable.version());
        m.put("clientConnections", node.proxy().clientConnections());
        m.put("listeners", listeners().size());
        m.put("pools", c.pools().size());
        // Only the services the configuration in force gives work: the optional ones are built on every node.
        m.put("services", node.services().stream().filter(NodeService::inUse).map(NodeService::name).toList());
        m.put("features", features());
        return m;
    }

    /**
     * Which optional parts the configuration in force turns on, so clients (the dashboard)
     * show only those. A node builds the L4, GSLB and DNS services whatever its configuration
     * says (a reload may turn them on), so a service being there says nothing: its section does.
     */
    Map<String, Boolean> features() {
        FulcrumConfig c = node.config();
        Map<String, Boolean> f = new LinkedHashMap<>();
        f.put("l4", !c.virtualServices().isEmpty());
        f.put("gslb", c.gslb().enabled());
        f.put("dns", c.dns().enabled());
        f.put("cluster", c.cluster().enabled());
        f.put("tls", c.listeners().stream().anyMatch(l -> l.tls() != null));
        f.put("autoscale", c.pools().stream().anyMatch(p -> p.autoscale() != null)
                || c.cluster().proxyTier().autoscale() != null); // the panel shows the proxy tier too
        return f;
    }

    /**
     * Every certificate the TLS listeners serve, as loaded when they were compiled: listener,
     * file, subject, names, validity and the whole days left until it expires (negative once
     * expired).
     */
    List<Map<String, Object>> certificates() {
        RuntimeState rs = node.proxy().runtime();
        java.time.Instant now = java.time.Instant.now();
        List<Map<String, Object>> out = new ArrayList<>();
        for (var lc : rs.config().listeners()) {
            ListenerRuntime lr = rs.listeners().get(lc.name());
            if (lr == null || lr.tls() == null) {
                continue;
            }
            for (ServedCertificate c : lr.tls().certificates()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("listener", lc.name());
                m.put("certFile", c.certFile());
                m.put("subject", c.subject());
                m.put("names", c.names());
                m.put("notBefore", c.notBefore().toString());
                m.put("notAfter", c.notAfter().toString());
                m.put("daysLeft", Math.floorDiv(c.notAfter().getEpochSecond() - now.getEpochSecond(), 86_400L));
                out.add(m);
            }
        }
        return out;
    }

    List<Map<String, Object>> listeners() {
        RuntimeState rs = node.proxy().runtime();
        Map<String, InetSocketAddress> bound = node.proxy().boundAddresses();
        List<Map<String, Object>> out = new ArrayList<>();
        for (var lc : rs.config().listeners()) {
            ListenerRuntime lr = rs.listeners().get(lc.name());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", lc.name());
            m.put("kind", "http");
            m.put("bind", lc.bind().toString());
            InetSocketAddress a = bound.get(lc.name());
            m.put("boundAddress", a == null ? null : a.getAddress().getHostAddress() + ":" + a.getPort());
            m.put("tls", lc.tls() != null);
            m.put("routes", lr == null ? List.of() : lr.routes().stream().map(RouteRuntime::name).toList());
            out.add(m);
        }
        return out;
    }

    /** Virtual services: HTTP listeners, and the L4 router's services once one runs. */
    List<Map<String, Object>> services() {
        List<Map<String, Object>> out = new ArrayList<>(listeners());
        ConnectionTableSource l4 = find(ConnectionTableSource.class);
        if (l4 != null) {
            Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
            for (var c : l4.backendCounters()) {
                Map<String, Object> s = byName.computeIfAbsent(c.service(), n -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", n);
                    m.put("kind", "l4");
                    m.put("pool", c.pool());
                    m.put("active", 0L);
                    m.put("completed", 0L);
                    return m;
                });
                s.put("active", (Long) s.get("active") + c.active());
                s.put("completed", (Long) s.get("completed") + c.completed());
            }
            out.addAll(byName.values());
        }
        return out;
    }

    List<Map<String, Object>> routes() {
        RuntimeState rs = node.proxy().runtime();
        List<Map<String, Object>> out = new ArrayList<>();
        for (var lc : rs.config().listeners()) {
            ListenerRuntime lr = rs.listeners().get(lc.name());
            if (lr == null) {
                continue;
            }
            for (int i = 0; i < lr.routes().size(); i++) {
                RouteRuntime r = lr.routes().get(i);
                var rc = lc.routes().get(i);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("listener", lc.name());
                m.put("name", r.name());
                m.put("pool", r.pool().name());
                m.put("match", rc.match());
                m.put("stickiness", stickiness(r));
                m.put("stickyEntries", r.sticky().size());
                out.add(m);
            }
        }
        return out;
    }

    /** One route, as in {@link #routes()}. */
    Map<String, Object> route(String listener, String route) {
        return routes().stream().filter(r -> listener.equals(r.get("listener")) && route.equals(r.get("name")))
                .findFirst().orElseThrow(() -> new ApiException(404, "no route " + listener + "/" + route));
    }

    private static Map<String, Object> stickiness(RouteRuntime r) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("enabled", r.stickiness().enabled());
        s.put("mode", r.stickiness().mode());
        s.put("cookieName", r.stickiness().cookieName());
        s.put("timeout", io.fulcrum.control.config.ConfigUnits.formatDuration(r.stickiness().timeout()));
        return s;
    }

    List<Map<String, Object>> pools() {
        List<Map<String, Object>> out = new ArrayList<>();
        RuntimeState rs = node.proxy().runtime();
        for (PoolConfig pc : rs.config().pools()) {
            PoolRuntime p = rs.pools().get(pc.name());
            if (p != null) {
                out.add(pool(p));
            }
        }
        return out;
    }

    Map<String, Object> pool(PoolRuntime p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("algorithm", p.config().algorithm().name());
        long now = System.nanoTime();
        int up = 0;
        double rps = 0;
        for (Backend b : p.backends()) {
            if (b.isSelectable(now)) {
                up++;
            }
            rps += metrics.stats(b).snapshot().requestsPerSecond();
        }
        m.put("backendsUp", up);
        m.put("backendsTotal", p.backends().size());
        m.put("requestsPerSecond", round(rps));
        m.put("queued", p.queue().size());
        m.put("importance", state.data().importance().getOrDefault(p.name(), Map.of()));
        m.put("backends", p.backends().stream().map(b -> backend(p, b)).toList());
        return m;
    }

    PoolRuntime poolRuntime(String name) {
        PoolRuntime p = node.proxy().runtime().pools().get(name);
        if (p == null) {
            throw new ApiException(404, "no pool named " + name);
        }
        return p;
    }

    Backend backendObject(String pool, String name) {
        Backend b = poolRuntime(pool).backend(name);
        if (b == null) {
            throw new ApiException(404, "pool " + pool + " has no backend named " + name);
        }
        return b;
    }

    List<Map<String, Object>> backends() {
        List<Map<String, Object>> out = new ArrayList<>();
        RuntimeState rs = node.proxy().runtime();
        for (PoolConfig pc : rs.config().pools()) {
            PoolRuntime p = rs.pools().get(pc.name());
            if (p != null) {
                p.backends().forEach(b -> out.add(backend(p, b)));
            }
        }
        return out;
    }

    Map<String, Object> backend(PoolRuntime p, Backend b) {
        long now = System.nanoTime();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pool", p.name());
        m.put("name", b.name());
        m.put("address", b.address());
        m.put("state", b.state().name().toLowerCase(java.util.Locale.ROOT));
        m.put("health", health(b, now));
        m.put("healthReason", b.healthReason());
        m.put("lastCheck", lastCheck(b.lastCheck()));
        m.put("weight", b.weight());
        m.put("configuredWeight", b.configuredWeight());
        m.put("weightOrigin", weightOrigin(p, b));
        m.put("weightReason", weightReason(p, b));
        m.put("drained", b.isDrained());
        boolean ejected = b.isEjected(now);
        m.put("ejected", ejected);
        m.put("ejectedForMillis", ejected ? TimeUnit.NANOSECONDS.toMillis(b.ejectedUntilNanos() - now) : 0);
        m.put("activeRequests", b.activeRequests());
        m.put("openConnections", b.openConnections());
        m.put("totalRequests", b.totalRequests());
        m.put("failures", b.failures());
        m.put("stickySessions", stickyCount(b));
        LiveStats.Snapshot s = metrics.stats(b).snapshot();
        m.put("requestsPerSecond", round(s.requestsPerSecond()));
        Map<String, Object> lat = new LinkedHashMap<>();
        lat.put("p50", round(s.p50Millis()));
        lat.put("p90", round(s.p90Millis()));
        lat.put("p99", round(s.p99Millis()));
        lat.put("max", round(s.maxMillis()));
        lat.put("ewma", round(b.ewmaNanos() / 1e6));
        m.put("latencyMillis", lat);
        m.put("site", b.site());
        m.put("host", b.hostName());
        m.put("labels", b.labels());
        m.put("addedByApi", state.data().added().getOrDefault(p.name(), List.of()).stream()
                .anyMatch(x -> x.name().equals(b.name())));
        return m;
    }

    /** The latest active check: which, passed or not, what it saw or why it failed, and when; null before any. */
    private static Map<String, Object> lastCheck(CheckReport r) {
        if (r == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("check", r.check());
        m.put("ok", r.ok());
        m.put("detail", r.detail());
        m.put("time", r.time().toString());
        m.put("consecutive", r.consecutive());
        m.put("totalMillis", round(r.totalNanos() / 1e6));
        return m;
    }

    /** What the operator sees as health: down, ejected, draining, drained, disabled, backup or up. */
    static String health(Backend b, long now) {
        BackendState s = b.state();
        if (s == BackendState.DOWN) {
            return "down";
        }
        if (b.isEjected(now)) {
            return "ejected";
        }
        if (s == BackendState.DRAINING) {
            return b.isDrained() ? "drained" : "draining";
        }
        return s.name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Where the backend's weight comes from, as the part that set it recorded it on the
     * backend: {@code config}, {@code fixed} (configured as fixed), {@code adaptive},
     * {@code slow-start}, {@code schedule}, {@code hold}, or {@code operator} (a weight fixed
     * through this API, while nothing else has replaced it).
     */
    String weightOrigin(PoolRuntime p, Backend b) {
        WeightOrigin origin = b.weightOrigin();
        StateData.BackendOverride o = state.data().backends().get(p.name() + "/" + b.name());
        boolean operatorWeight = o != null && o.weight() != null;
        if (operatorWeight && (origin == WeightOrigin.CONFIGURED || origin == WeightOrigin.FIXED
                || origin == WeightOrigin.OPERATOR)) {
            return "operator";
        }
        return switch (origin) {
            case CONFIGURED -> "config";
            case SLOW_START -> "slow-start";
            default -> origin.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** Who set a backend's administrative state: the operator through this API, or the configuration. */
    String stateSource(PoolRuntime p, Backend b) {
        StateData.BackendOverride o = state.data().backends().get(p.name() + "/" + b.name());
        String s = b.adminState().name().toLowerCase(java.util.Locale.ROOT);
        return o != null && o.state() != null ? s + " through the admin API" : s + " in the configuration";
    }

    private String weightReason(PoolRuntime p, Backend b) {
        String origin = weightOrigin(p, b);
        if (origin.equals("operator")) {
            return "fixed through the admin API";
        }
        return b.weightReason().isEmpty() ? (origin.equals("config") ? "configured weight" : "") : b.weightReason();
    }

    private int stickyCount(Backend b) {
        int n = 0;
        for (ListenerRuntime l : node.proxy().runtime().listeners().values()) {
            for (RouteRuntime r : l.routes()) {
                if (r.pool().backends().contains(b)) {
                    n += r.sticky().countFor(b);
                }
            }
        }
        return n;
    }

    /** Sticky entries of one route or of all, newest expiry last. */
    Map<String, Object> sticky(String route, int limit) {
        long now = System.nanoTime();
        List<Map<String, Object>> entries = new ArrayList<>();
        int total = 0;
        for (ListenerRuntime l : node.proxy().runtime().listeners().values()) {
            for (RouteRuntime r : l.routes()) {
                String key = l.name() + "/" + r.name();
                if (route != null && !route.equals(key)) {
                    continue;
                }
                StickyTable t = r.sticky();
                total += t.size();
                for (StickyTable.Entry e : t.snapshot()) {
                    if (entries.size() >= limit) {
                        break;
                    }
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("route", key);
                    m.put("key", e.key());
                    m.put("backend", e.backend().pool() + "/" + e.backend().name());
                    m.put("expiresInMillis", Math.max(0, TimeUnit.NANOSECONDS.toMillis(e.expiresAtNanos() - now)));
                    entries.add(m);
                }
            }
        }
        entries.sort(Comparator.comparing(m -> (Long) m.get("expiresInMillis")));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total", total);
        out.put("entries", entries);
        return out;
    }

    /** The L4 connection table summary and first entries; 404 when no L4 router runs here. */
    Map<String, Object> connections(int limit) {
        ConnectionTableSource l4 = find(ConnectionTableSource.class);
        if (l4 == null) {
            throw new ApiException(404, "no L4 router runs on this node");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        var counters = l4.backendCounters();
        out.put("active", counters.stream().mapToLong(ConnectionTableSource.BackendConnectionCounters::active).sum());
        out.put("fin", counters.stream().mapToLong(ConnectionTableSource.BackendConnectionCounters::fin).sum());
        out.put("completed", counters.stream().mapToLong(ConnectionTableSource.BackendConnectionCounters::completed).sum());
        out.put("backends", counters);
        out.put("entries", l4.connections(limit));
        return out;
    }

    /**
     * GSLB sites as this node sees them, up or down: every site of the {@code gslb}
     * section, of the hand-off table, and of the backends, and this node's own site
     * ({@code server.site}, the same name as {@code gslb.site}); 404 until a site-state
     * service runs here.
     */
    List<Map<String, Object>> sites() {
        SiteStateView view = siteState().snapshot(); // every row from the same moment
        TreeSet<String> names = new TreeSet<>(view.handoffShares().keySet());
        names.add(node.config().server().site());
        // The table leaves out sites that are down; the configuration still names them.
        for (var site : node.config().sites()) {
            names.add(site.name());
        }
        for (Backend b : node.proxy().runtime().pools().values().stream().flatMap(p -> p.backends().stream()).toList()) {
            if (!b.site().isEmpty()) {
                names.add(b.site());
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, Double> shares = view.handoffShares();
        for (String site : names) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", site);
            m.put("local", site.equals(node.config().server().site()));
            m.put("up", view.siteUp(site));
            var rt = view.responseTimeMillis(site);
            m.put("responseTimeMillis", rt.isPresent() ? round(rt.getAsDouble()) : null);
            var cap = view.remainingCapacity(site);
            m.put("remainingCapacity", cap.isPresent() ? cap.getAsLong() : null);
            m.put("handoffShare", shares.get(site));
            out.add(m);
        }
        return out;
    }

    Map<String, Object> handoff() {
        SiteStateView view = siteState().snapshot(); // the version of these very shares
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", view.version());
        out.put("shares", view.handoffShares());
        return out;
    }

    private SiteStateView siteState() {
        SiteStateView view = find(SiteStateView.class);
        if (view == null) {
            throw new ApiException(404, "no GSLB site-state service runs on this node");
        }
        return view;
    }

    /** Live history of every backend, for the dashboard's charts. */
    Map<String, Object> stats(int points) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (PoolRuntime p : node.proxy().runtime().pools().values()) {
            for (Backend b : p.backends()) {
                out.put(p.name() + "/" + b.name(), metrics.stats(b).history(points));
            }
        }
        return out;
    }

    Map<String, Object> state() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("file", state.file() == null ? null : state.file().toString());
        out.put("changes", state.data());
        return out;
    }

    /** The backend as configured (file or API), for removal bookkeeping. */
    boolean configuredInFile(String pool, String backend) {
        FulcrumConfig base = state.base();
        PoolConfig pc = base == null ? null : base.pool(pool);
        return pc != null && pc.backends().stream().map(BackendConfig::name).anyMatch(backend::equals);
    }

    /** The service of this type that the configuration in force gives work, or {@code null}. */
    <T> T find(Class<T> type) {
        for (NodeService s : node.services()) {
            if (type.isInstance(s) && s.inUse()) {
                return type.cast(s);
            }
        }
        return null;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
