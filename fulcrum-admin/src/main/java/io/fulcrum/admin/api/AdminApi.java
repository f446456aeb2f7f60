package io.fulcrum.admin.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.fulcrum.admin.AdminNode;
import io.fulcrum.admin.metrics.ProxyMetrics;
import io.fulcrum.admin.spi.AdminReadable;
import io.fulcrum.admin.state.AdminState;
import io.fulcrum.core.event.Event;
import io.fulcrum.core.lifecycle.NodeService;
import io.fulcrum.core.scale.ScaleControl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.fulcrum.admin.api.ApiEndpoint.*;

/**
 * The handlers of the {@link ApiEndpoint admin endpoints}: each endpoint's handler is
 * bound here, once, to the read views or the changes. Who may call what is decided from
 * the endpoint table before a handler runs ({@link RequestReader}); a handler only
 * does its endpoint's work.
 */
public final class AdminApi {

    /** The JSON mapper of the API (ISO-8601 times). */
    public static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .registerModule(io.fulcrum.admin.state.HostPortJson.module())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    /** What an endpoint does with a request and its path parameters. */
    @FunctionalInterface
    interface Handler {
        Object handle(ApiRequest req, Map<String, String> path) throws IOException;
    }

    private final AdminNode node;
    private final ReadViews views;
    private final StatsTable stats;
    private final Changes changes;
    private final EndpointTable table;
    private final Map<ApiEndpoint, Handler> handlers = new EnumMap<>(ApiEndpoint.class);

    public AdminApi(AdminNode node, AdminState state, ProxyMetrics metrics) {
        this.node = node;
        this.views = new ReadViews(node, state, metrics);
        this.stats = new StatsTable(node, views);
        this.changes = new Changes(node, state, views);
        this.table = new EndpointTable(this::servesExtension);
        bind();
        for (ApiEndpoint e : ApiEndpoint.values()) {
            if (e != EVENT_STREAM && !handlers.containsKey(e)) {
                throw new IllegalStateException("no handler for " + e.method() + " " + e.path());
            }
        }
    }

    private void bind() {
        handlers.put(HELP, (r, p) -> help());
        handlers.put(WHOAMI, (r, p) -> Map.of("name", r.principal().name(),
                "role", r.principal().role().name().toLowerCase(Locale.ROOT)));
        handlers.put(STATUS, (r, p) -> views.status());
        handlers.put(SERVICES, (r, p) -> views.services());
        handlers.put(LISTENERS, (r, p) -> views.listeners());
        handlers.put(ROUTES, (r, p) -> views.routes());
        handlers.put(ROUTE, (r, p) -> views.route(p.get("listener"), p.get("route")));
        handlers.put(SET_STICKINESS, (r, p) -> changes.stickiness(r.principal(), p.get("listener"), p.get("route"), body(r)));
        handlers.put(POOLS, (r, p) -> views.pools());
        handlers.put(POOL, (r, p) -> views.pool(views.poolRuntime(p.get("pool"))));
        handlers.put(IMPORTANCE, (r, p) -> views.pool(views.poolRuntime(p.get("pool"))).get("importance"));
        handlers.put(SET_IMPORTANCE, (r, p) -> changes.importance(r.principal(), p.get("pool"), body(r)));
        handlers.put(POOL_BACKENDS, (r, p) -> {
            var pool = views.poolRuntime(p.get("pool"));
            return pool.backends().stream().map(b -> views.backend(pool, b)).toList();
        });
        handlers.put(ADD_BACKEND, (r, p) -> changes.add(r.principal(), p.get("pool"), body(r)));
        handlers.put(BACKEND, (r, p) -> views.backend(views.poolRuntime(p.get("pool")),
                views.backendObject(p.get("pool"), p.get("backend"))));
        handlers.put(REMOVE_BACKEND, (r, p) -> {
            changes.remove(r.principal(), p.get("pool"), p.get("backend"));
            return null;
        });
        handlers.put(DRAIN, (r, p) -> changes.drain(r.principal(), p.get("pool"), p.get("backend"), body(r)));
        handlers.put(FAIL, (r, p) -> changes.fail(r.principal(), p.get("pool"), p.get("backend"), body(r)));
        handlers.put(ENABLE, (r, p) -> changes.enable(r.principal(), p.get("pool"), p.get("backend")));
        handlers.put(DISABLE, (r, p) -> changes.disable(r.principal(), p.get("pool"), p.get("backend")));
        handlers.put(SET_WEIGHT, (r, p) -> changes.weight(r.principal(), p.get("pool"), p.get("backend"), body(r)));
        handlers.put(BACKENDS, (r, p) -> views.backends());
        handlers.put(STICKY, (r, p) -> views.sticky(r.param("route", null), r.intParam("limit", 100, 1, 10_000)));
        handlers.put(CONNECTIONS, (r, p) -> views.connections(r.intParam("limit", 100, 1, 10_000)));
        handlers.put(EVENTS, (r, p) -> {
            long after = r.intParam("after", 0, 0, Integer.MAX_VALUE);
            int limit = r.intParam("limit", 200, 1, 10_000);
            return after > 0 ? node.events().since(after, limit) : node.events().latest(limit);
        });
        handlers.put(STATS, (r, p) -> views.stats(r.intParam("points", 120, 1, 300)));
        handlers.put(STATS_TABLE, (r, p) -> stats.read().toJson());
        handlers.put(STATS_CSV, (r, p) -> statsCsv());
        handlers.put(CERTIFICATES, (r, p) -> views.certificates());
        handlers.put(STATE, (r, p) -> views.state());
        handlers.put(RELOAD, (r, p) -> changes.reload(r.principal()));
        handlers.put(VALIDATE, (r, p) -> changes.validate(r.bodyText()));
        handlers.put(SCHEMA, (r, p) -> ConfigSchemaHolder.SCHEMA);
        handlers.put(GSLB_SITES, (r, p) -> views.sites());
        handlers.put(GSLB_HANDOFF, (r, p) -> views.handoff());
        handlers.put(CLUSTER_STATS, (r, p) -> {
            Object snapshot = extension("cluster/stats");
            if (snapshot == null) {
                throw new ApiException(404, "no cluster controller in this node");
            }
            return snapshot;
        });
        // Served by the cluster member beside the proxy (fulcrum-app), when the node has a cluster section.
        handlers.put(CLUSTER_NODES, (r, p) -> cluster("cluster/nodes"));
        handlers.put(CLUSTER_LEADER, (r, p) -> cluster("cluster/leader"));
        handlers.put(SCALE, (r, p) -> scale().scaleStatus());
        handlers.put(SCALE_PAUSE, (r, p) -> scaleChange(() -> scale().pause(p.get("pool"), r.principal().name())));
        handlers.put(SCALE_RESUME, (r, p) -> scaleChange(() -> scale().resume(p.get("pool"), r.principal().name())));
        handlers.put(SCALE_PROTECT, (r, p) -> scaleChange(() -> scale().protect(p.get("pool"), p.get("member"), true,
                r.principal().name())));
        handlers.put(SCALE_UNPROTECT, (r, p) -> scaleChange(() -> scale().protect(p.get("pool"), p.get("member"), false,
                r.principal().name())));
        handlers.put(SCALE_SET, (r, p) -> {
            Object size = body(r).get("size");
            if (!(size instanceof Integer n)) {
                throw new ApiException(400, "size must be a whole number, such as {\"size\": 3}");
            }
            return scaleChange(() -> scale().setSize(p.get("pool"), n, r.principal().name()));
        });
        handlers.put(EXTENSION, (r, p) -> {
            Object snapshot = extension(p.get("extension"));
            if (snapshot == null) {
                throw new ApiException(404, "no such endpoint: GET " + r.path());
            }
            return snapshot;
        });
    }

    /**
     * The configuration schema, generated once on first use: it depends only on the record
     * types and the extensions on the class path, which do not change while the node runs.
     */
    private static final class ConfigSchemaHolder {
        static final com.fasterxml.jackson.databind.node.ObjectNode SCHEMA =
                io.fulcrum.control.config.schema.ConfigSchema.generate();
    }

    /** The endpoint table requests are routed by. */
    EndpointTable endpoints() {
        return table;
    }

    /** Hands the persisted metric importance to the services that take it (after start and reloads). */
    public void pushImportance() {
        changes.pushImportance();
    }

    /** Puts operator changes that wait for a time (drain deadlines) on the clock. */
    public void scheduleDeadlines() {
        changes.scheduleDeadlines();
    }

    /** Stops the clock of {@link #scheduleDeadlines}. */
    public void close() {
        changes.close();
    }

    /**
     * Answers an accepted call to {@code endpoint} (on a worker thread): the handler's
     * result as JSON, {@code 204} when it returns nothing, {@code 201} for an added backend.
     */
    ApiResponse answer(ApiEndpoint endpoint, Map<String, String> path, ApiRequest req) {
        try {
            Object result = handlers.get(endpoint).handle(req, path);
            if (result == null) {
                return new ApiResponse(204, "application/json", new byte[0], Map.of());
            }
            if (result instanceof ApiResponse ready) { // a view that is not JSON (the stats CSV)
                return ready;
            }
            return ApiResponse.json(endpoint == ADD_BACKEND ? 201 : 200, JSON.writeValueAsString(result));
        } catch (ApiException e) {
            return error(e.status(), e.getMessage());
        } catch (IOException e) {
            return error(500, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** The stats table as CSV ({@code GET /api/v1/stats.csv} and {@code /stats;csv}). */
    ApiResponse statsCsv() {
        return ApiResponse.text(200, StatsCsv.TYPE, StatsCsv.render(stats.read()));
    }

    /**
     * The server-rendered stats page ({@code GET /stats}), with the certificates when a listener
     * has TLS and the sites seen down when GSLB is on; {@code ?refresh=N} (1 to 3600) reloads it.
     */
    ApiResponse statsPage(ApiRequest req) {
        try {
            int refresh = req.intParam("refresh", 0, 0, 3600);
            Map<String, Boolean> features = views.features();
            List<String> down = null;
            if (features.get("gslb") && views.find(io.fulcrum.core.gslb.SiteStateView.class) != null) {
                down = views.sites().stream().filter(s -> !Boolean.TRUE.equals(s.get("up")))
                        .map(s -> String.valueOf(s.get("name"))).toList();
            }
            String where = "site " + node.config().server().site() + " · " + node.config().server().host();
            String html = StatsPage.render(stats.read(), where, features.get("tls") ? views.certificates() : null,
                    down, refresh);
            return ApiResponse.text(200, "text/html; charset=utf-8", html).with("Content-Security-Policy", StatsPage.CSP);
        } catch (ApiException e) {
            return error(e.status(), e.getMessage());
        }
    }

    /** {@code GET /api/v1/help}: the endpoint table, and the extension paths this node serves. */
    private Map<String, Object> help() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ApiEndpoint e : ApiEndpoint.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", e.method());
            m.put("path", e.path());
            m.put("role", e.role().name().toLowerCase(Locale.ROOT));
            m.put("help", e.help());
            m.put("params", e.params());
            m.put("maxBodyBytes", e.maxBody());
            list.add(m);
        }
        List<String> extensions = new ArrayList<>();
        for (NodeService s : node.services()) {
            if (s instanceof AdminReadable r && s.inUse()) {
                extensions.add(r.adminPath());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("endpoints", list);
        out.put("extensions", extensions);
        return out;
    }

    /** The node's autoscaler, or 404 when none runs. */
    private ScaleControl scale() {
        for (NodeService s : node.services()) {
            if (s instanceof ScaleControl c) {
                return c;
            }
        }
        throw new ApiException(404, "no autoscaler in this node");
    }

    /** An operator's change of the autoscaler: a pool without a policy is 404, a size it refuses 422. */
    private static Object scaleChange(java.util.function.Supplier<Object> change) {
        try {
            return change.get();
        } catch (java.util.NoSuchElementException e) {
            throw new ApiException(404, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ApiException(422, e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiException(503, e.getMessage());
        }
    }

    /** A cluster view, or 404 when this node is not a cluster member. */
    private Object cluster(String path) {
        Object snapshot = extension(path);
        if (!(snapshot instanceof Map<?, ?> m) || !Boolean.TRUE.equals(m.get("enabled"))) {
            throw new ApiException(404, "this node is not a cluster member (no cluster section)");
        }
        return snapshot;
    }

    /** Whether some service serves this extension path (asked on the event loop: no snapshot is taken). */
    private boolean servesExtension(String path) {
        for (NodeService s : node.services()) {
            if (s instanceof AdminReadable r && r.adminPath().equals(path) && s.inUse()) {
                return true;
            }
        }
        return false;
    }

    private Object extension(String path) {
        for (NodeService s : node.services()) {
            if (s instanceof AdminReadable r && r.adminPath().equals(path) && s.inUse()) {
                return r.adminSnapshot();
            }
        }
        return null;
    }

    private static Map<String, Object> body(ApiRequest req) {
        if (req.body().length == 0) {
            return Map.of();
        }
        try {
            Map<String, Object> m = JSON.readValue(req.body(), OBJECT);
            return m == null ? Map.of() : m;
        } catch (IOException e) {
            throw new ApiException(400, "the body must be a JSON object");
        }
    }

    /** An error answer: {@code {"status": N, "error": "..."}}. */
    public static ApiResponse error(int status, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        m.put("error", message);
        try {
            return ApiResponse.json(status, JSON.writeValueAsString(m));
        } catch (JsonProcessingException e) {
            return ApiResponse.json(status, "{\"status\":" + status + "}");
        }
    }

    /** One event as the JSON the API and the event stream send. */
    public static String eventJson(Event e) {
        try {
            return JSON.writeValueAsString(e);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
