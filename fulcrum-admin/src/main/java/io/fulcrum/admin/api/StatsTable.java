package io.fulcrum.admin.api;

import io.fulcrum.admin.AdminNode;
import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendCounters;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.backend.CheckReport;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.l4.ConnectionTableSource;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.proxy.http.ListenerSlot;
import io.fulcrum.proxy.observe.ListenerCounters;
import io.fulcrum.proxy.runtime.PoolRuntime;
import io.fulcrum.proxy.runtime.RuntimeState;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The stats table of a node, read from the live objects at one moment: a row per HTTP
 * listener, one per L4 virtual service, then per pool its own row followed by one per backend, each with the
 * {@link StatsColumn columns} (null where a column does not apply to the row's kind).
 * The JSON, CSV and HTML views all render one of these, so they show the same numbers.
 */
final class StatsTable {

    /** Values of one row by column; absent columns are empty cells. */
    record Row(Map<StatsColumn, Object> cells) {
        Object get(StatsColumn c) {
            return cells.get(c);
        }
    }

    /**
     * One reading of the table.
     *
     * @param generatedAt   when it was read
     * @param version       Fulcrum's version ({@code dev} when not run from a packaged jar)
     * @param uptimeSeconds seconds since the admin service started
     * @param rows          the rows in order
     */
    record Snapshot(Instant generatedAt, String version, long uptimeSeconds, List<Row> rows) {

        /** As JSON: the columns (key, heading, meaning), then the rows as objects keyed by column. */
        Map<String, Object> toJson() {
            List<Map<String, Object>> columns = new ArrayList<>();
            for (StatsColumn c : StatsColumn.values()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("key", c.key());
                m.put("header", c.header());
                m.put("help", c.help());
                columns.add(m);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            for (Row r : rows) {
                Map<String, Object> m = new LinkedHashMap<>();
                for (StatsColumn c : StatsColumn.values()) {
                    m.put(c.key(), r.get(c));
                }
                out.add(m);
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("generatedAt", generatedAt.toString());
            json.put("version", version);
            json.put("uptimeSeconds", uptimeSeconds);
            json.put("columns", columns);
            json.put("rows", out);
            return json;
        }
    }

    private final AdminNode node;
    private final ReadViews views;
    private final long startedNanos = System.nanoTime();

    StatsTable(AdminNode node, ReadViews views) {
        this.node = node;
        this.views = views;
    }

    /** Fulcrum's version from the jar's manifest, as {@code fulcrum version} prints it. */
    static String version() {
        String v = StatsTable.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? "dev" : v;
    }

    /** Seconds since the admin service (and so the node) started. */
    long uptimeSeconds() {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos);
    }

    Snapshot read() {
        long now = System.nanoTime();
        RuntimeState rs = node.proxy().runtime();
        Map<String, InetSocketAddress> bound = node.proxy().boundAddresses();
        List<Row> rows = new ArrayList<>();
        for (ListenerConfig lc : rs.config().listeners()) {
            rows.add(listener(lc, bound.get(lc.name()), node.proxy().listenerSlot(lc.name())));
        }
        ConnectionTableSource l4 = views.find(ConnectionTableSource.class);
        if (l4 != null) {
            rows.addAll(virtualServices(l4.backendCounters()));
        }
        for (PoolConfig pc : rs.config().pools()) {
            PoolRuntime p = rs.pools().get(pc.name());
            if (p == null) {
                continue;
            }
            List<Row> backends = new ArrayList<>();
            for (Backend b : p.backends()) {
                backends.add(backend(p, b, now));
            }
            rows.add(pool(p, backends, now));
            rows.addAll(backends);
        }
        return new Snapshot(Instant.now(), version(), uptimeSeconds(), rows);
    }

    private static Row listener(ListenerConfig lc, InetSocketAddress address, ListenerSlot slot) {
        Map<StatsColumn, Object> m = new EnumMap<>(StatsColumn.class);
        m.put(StatsColumn.KIND, "listener");
        m.put(StatsColumn.NAME, lc.name());
        m.put(StatsColumn.ADDRESS, address == null ? lc.bind().toString()
                : address.getAddress().getHostAddress() + ":" + address.getPort());
        m.put(StatsColumn.STATUS, slot == null ? "not bound" : "open");
        int limit = lc.limits().maxConnections();
        m.put(StatsColumn.SESSIONS_LIMIT, limit > 0 ? limit : null);
        if (slot != null) {
            ListenerCounters c = slot.counters();
            m.put(StatsColumn.SESSIONS_CURRENT, slot.connections());
            m.put(StatsColumn.SESSIONS_MAX, c.maxConnections());
            m.put(StatsColumn.SESSIONS_TOTAL, c.accepted());
            m.put(StatsColumn.REFUSED, c.refused());
            m.put(StatsColumn.REQUESTS, c.requests());
            m.put(StatsColumn.BYTES_IN, c.bytesIn());
            m.put(StatsColumn.BYTES_OUT, c.bytesOut());
            putClasses(m, c::responses);
            m.put(StatsColumn.ERRORS, c.errors());
        }
        return new Row(m);
    }

    /**
     * One row per L4 virtual service, from its backends' flow counters: flows open now
     * (active and closing) and all flows since start.
     */
    private static List<Row> virtualServices(List<ConnectionTableSource.BackendConnectionCounters> counters) {
        Map<String, Map<StatsColumn, Object>> byService = new LinkedHashMap<>();
        for (var c : counters) {
            Map<StatsColumn, Object> m = byService.computeIfAbsent(c.service(), s -> {
                Map<StatsColumn, Object> row = new EnumMap<>(StatsColumn.class);
                row.put(StatsColumn.KIND, "virtual-service");
                row.put(StatsColumn.POOL, c.pool());
                row.put(StatsColumn.NAME, s);
                row.put(StatsColumn.STATUS, "open");
                row.put(StatsColumn.SESSIONS_CURRENT, 0L);
                row.put(StatsColumn.SESSIONS_TOTAL, 0L);
                return row;
            });
            m.merge(StatsColumn.SESSIONS_CURRENT, c.active() + c.fin(), (a, b) -> (Long) a + (Long) b);
            m.merge(StatsColumn.SESSIONS_TOTAL, c.active() + c.fin() + c.completed(), (a, b) -> (Long) a + (Long) b);
        }
        return byService.values().stream().map(Row::new).toList();
    }

    private Row backend(PoolRuntime p, Backend b, long now) {
        BackendCounters c = b.counters();
        Map<StatsColumn, Object> m = new EnumMap<>(StatsColumn.class);
        m.put(StatsColumn.KIND, "backend");
        m.put(StatsColumn.POOL, p.name());
        m.put(StatsColumn.NAME, b.name());
        m.put(StatsColumn.ADDRESS, b.address());
        String health = ReadViews.health(b, now);
        m.put(StatsColumn.STATUS, health);
        m.put(StatsColumn.REASON, reason(p, b, health, now));
        m.put(StatsColumn.SESSIONS_CURRENT, b.activeRequests());
        m.put(StatsColumn.SESSIONS_MAX, c.maxActive());
        m.put(StatsColumn.SESSIONS_LIMIT, b.maxConnections() > 0 ? b.maxConnections() : null);
        m.put(StatsColumn.SESSIONS_TOTAL, b.totalRequests());
        long requests = 0;
        for (int i = 0; i <= 5; i++) {
            requests += c.responses(i);
        }
        m.put(StatsColumn.REQUESTS, requests);
        m.put(StatsColumn.BYTES_IN, c.bytesIn());
        m.put(StatsColumn.BYTES_OUT, c.bytesOut());
        putClasses(m, c::responses);
        m.put(StatsColumn.ERRORS, b.failures());
        m.put(StatsColumn.RETRIES, c.retries());
        m.put(StatsColumn.REDISPATCHES, c.redispatches());
        CheckReport check = b.lastCheck();
        if (check != null) {
            m.put(StatsColumn.CHECK, check.check() + (check.ok() ? " ok" : " failed"));
            m.put(StatsColumn.CHECK_DETAIL, check.detail());
            m.put(StatsColumn.CHECK_MILLIS, ReadViews.round(check.totalNanos() / 1e6));
        }
        m.put(StatsColumn.LAST_CHANGE_SECONDS, TimeUnit.NANOSECONDS.toSeconds(c.sinceLastChangeNanos(now)));
        m.put(StatsColumn.DOWNTIME_SECONDS, TimeUnit.NANOSECONDS.toSeconds(c.downNanos(now)));
        m.put(StatsColumn.DOWN_TRANSITIONS, c.downTransitions());
        m.put(StatsColumn.WEIGHT, b.weight());
        m.put(StatsColumn.WEIGHT_ORIGIN, views.weightOrigin(p, b));
        m.put(StatsColumn.WEIGHT_CONFIGURED, b.configuredWeight());
        return new Row(m);
    }

    /** Why a backend that is not up is not: the failed check, the ejection, or who set its state. */
    private String reason(PoolRuntime p, Backend b, String health, long now) {
        return switch (health) {
            case "up" -> null;
            case "down" -> b.adminState() == BackendState.DOWN ? views.stateSource(p, b) : b.healthReason();
            case "ejected" -> "ejected by passive health for another "
                    + Math.max(0, TimeUnit.NANOSECONDS.toSeconds(b.ejectedUntilNanos() - now)) + " s";
            default -> views.stateSource(p, b);
        };
    }

    private static Row pool(PoolRuntime p, List<Row> backends, long now) {
        Map<StatsColumn, Object> m = new EnumMap<>(StatsColumn.class);
        m.put(StatsColumn.KIND, "pool");
        m.put(StatsColumn.POOL, p.name());
        m.put(StatsColumn.NAME, p.name());
        int up = 0;
        for (Backend b : p.backends()) {
            if (b.isSelectable(now) || b.isSelectableBackup(now)) {
                up++;
            }
        }
        m.put(StatsColumn.STATUS, up > 0 ? "up" : "down");
        m.put(StatsColumn.REASON, up > 0 ? null : p.backends().isEmpty() ? "no backends" : "no backend takes requests");
        m.put(StatsColumn.QUEUE_CURRENT, p.queue().size());
        m.put(StatsColumn.QUEUE_MAX, p.queue().maxSize());
        m.put(StatsColumn.QUEUE_LIMIT, p.queueTimeoutNanos() > 0 ? p.queue().capacity() : 0);
        for (StatsColumn c : List.of(StatsColumn.SESSIONS_CURRENT, StatsColumn.SESSIONS_TOTAL, StatsColumn.REQUESTS,
                StatsColumn.BYTES_IN, StatsColumn.BYTES_OUT, StatsColumn.HTTP_1XX, StatsColumn.HTTP_2XX,
                StatsColumn.HTTP_3XX, StatsColumn.HTTP_4XX, StatsColumn.HTTP_5XX, StatsColumn.HTTP_OTHER,
                StatsColumn.ERRORS, StatsColumn.RETRIES, StatsColumn.REDISPATCHES, StatsColumn.WEIGHT)) {
            long sum = 0;
            for (Row r : backends) {
                sum += ((Number) r.get(c)).longValue();
            }
            m.put(c, sum);
        }
        return new Row(m);
    }

    private interface ByClass {
        long responses(int statusClass);
    }

    private static void putClasses(Map<StatsColumn, Object> m, ByClass c) {
        m.put(StatsColumn.HTTP_1XX, c.responses(1));
        m.put(StatsColumn.HTTP_2XX, c.responses(2));
        m.put(StatsColumn.HTTP_3XX, c.responses(3));
        m.put(StatsColumn.HTTP_4XX, c.responses(4));
        m.put(StatsColumn.HTTP_5XX, c.responses(5));
        m.put(StatsColumn.HTTP_OTHER, c.responses(0));
    }
}
