package io.fulcrum.admin.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.fulcrum.admin.AdminNode;
import io.fulcrum.admin.auth.Principal;
import io.fulcrum.admin.metrics.ProxyMetrics;
import io.fulcrum.admin.spi.AdminReadable;
import io.fulcrum.admin.state.AdminState;
import io.fulcrum.core.event.Event;
import io.fulcrum.core.lifecycle.NodeService;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Routes admin API requests to the read views and the changes, enforcing the roles:
 * every {@code /api/v1} request needs a token, and anything but {@code GET} (and the
 * side-effect-free validation) needs the admin role.
 */
public final class AdminApi {

    /** The JSON mapper of the API (ISO-8601 times). */
    public static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final AdminNode node;
    private final ReadViews views;
    private final Changes changes;

    public AdminApi(AdminNode node, AdminState state, ProxyMetrics metrics) {
        this.node = node;
        this.views = new ReadViews(node, state, metrics);
        this.changes = new Changes(node, state, views);
    }

    /** Hands the persisted metric importance to the services that take it (after start and reloads). */
    public void pushImportance() {
        changes.pushImportance();
    }

    /** Answers one {@code /api/v1/...} request (not the event stream). */
    public ApiResponse handle(ApiRequest req) {
        try {
            if (req.principal() == null) {
                return error(401, "a bearer token is required (Authorization: Bearer <token>)")
                        .with("WWW-Authenticate", "Bearer realm=\"fulcrum\"");
            }
            Object result = route(req);
            if (result == null) {
                return new ApiResponse(204, "application/json", new byte[0], Map.of());
            }
            return ApiResponse.json(req.method().equals("POST") && req.segments().size() == 5
                    && req.segments().get(4).equals("backends") ? 201 : 200, JSON.writeValueAsString(result));
        } catch (ApiException e) {
            return error(e.status(), e.getMessage());
        } catch (IOException e) {
            return error(500, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private Object route(ApiRequest req) throws IOException {
        List<String> s = req.segments();
        String m = req.method();
        if (s.size() < 3 || !s.get(0).equals("api") || !s.get(1).equals("v1")) {
            throw new ApiException(404, "no such endpoint: " + req.path());
        }
        List<String> p = s.subList(2, s.size());
        boolean get = m.equals("GET") || m.equals("HEAD");
        if (!get && !(m.equals("POST") && p.equals(List.of("config", "validate")))) {
            requireAdmin(req.principal());
        }
        String first = p.get(0);
        switch (first) {
            case "whoami":
                return Map.of("name", req.principal().name(), "role", req.principal().role().name().toLowerCase(java.util.Locale.ROOT));
            case "status":
                return views.status();
            case "services":
                return views.services();
            case "listeners":
                if (p.size() == 1) {
                    return views.listeners();
                }
                if (p.size() == 5 && p.get(2).equals("routes") && p.get(4).equals("stickiness")) {
                    return stickiness(req, p.get(1), p.get(3));
                }
                break;
            case "routes":
                if (p.size() == 1) {
                    return views.routes();
                }
                break;
            case "backends":
                return views.backends();
            case "sticky":
                return views.sticky(req.param("route", null), req.intParam("limit", 100, 1, 10_000));
            case "connections":
                return views.connections(req.intParam("limit", 100, 1, 10_000));
            case "events":
                if (p.size() == 1) {
                    long after = req.intParam("after", 0, 0, Integer.MAX_VALUE);
                    int limit = req.intParam("limit", 200, 1, 10_000);
                    return after > 0 ? node.events().since(after, limit) : node.events().latest(limit);
                }
                break;
            case "stats":
                return views.stats(req.intParam("points", 120, 1, 300));
            case "state":
                return views.state();
            case "reload":
                if (m.equals("POST") && p.size() == 1) {
                    return changes.reload(req.principal());
                }
                break;
            case "config":
                if (m.equals("POST") && p.size() == 2 && p.get(1).equals("validate")) {
                    return Changes.validate(req.bodyText());
                }
                break;
            case "gslb":
                if (p.size() == 2 && p.get(1).equals("sites")) {
                    return views.sites();
                }
                if (p.size() == 2 && p.get(1).equals("handoff")) {
                    return views.handoff();
                }
                break;
            case "pools":
                return pools(req, p);
            default:
                break;
        }
        Object extension = extension(String.join("/", p));
        if (extension != null) {
            return extension;
        }
        throw new ApiException(404, "no such endpoint: " + m + " " + req.path());
    }

    /** Routes under {@code /api/v1/pools}. */
    private Object pools(ApiRequest req, List<String> p) throws IOException {
        String m = req.method();
        if (p.size() == 1) {
            return views.pools();
        }
        String pool = p.get(1);
        if (p.size() == 2) {
            return views.pool(views.poolRuntime(pool));
        }
        if (p.size() == 3 && p.get(2).equals("importance")) {
            if (m.equals("PUT")) {
                return changes.importance(req.principal(), pool, body(req));
            }
            return views.pool(views.poolRuntime(pool)).get("importance");
        }
        if (!p.get(2).equals("backends")) {
            throw new ApiException(404, "no such endpoint: " + req.path());
        }
        if (p.size() == 3) {
            if (m.equals("POST")) {
                return changes.add(req.principal(), pool, body(req));
            }
            return views.poolRuntime(pool).backends().stream().map(b -> views.backend(views.poolRuntime(pool), b)).toList();
        }
        String backend = p.get(3);
        if (p.size() == 4) {
            if (m.equals("DELETE")) {
                changes.remove(req.principal(), pool, backend);
                return null;
            }
            return views.backend(views.poolRuntime(pool), views.backendObject(pool, backend));
        }
        if (p.size() == 5) {
            return switch (p.get(4)) {
                case "drain" -> post(m, () -> changes.drain(req.principal(), pool, backend));
                case "enable" -> post(m, () -> changes.enable(req.principal(), pool, backend));
                case "disable" -> post(m, () -> changes.disable(req.principal(), pool, backend));
                case "weight" -> {
                    if (!m.equals("PUT") && !m.equals("POST")) {
                        throw new ApiException(405, "use PUT");
                    }
                    yield changes.weight(req.principal(), pool, backend, body(req));
                }
                default -> throw new ApiException(404, "no such endpoint: " + req.path());
            };
        }
        throw new ApiException(404, "no such endpoint: " + req.path());
    }

    /** {@code GET|PUT /api/v1/listeners/{listener}/routes/{route}/stickiness}. */
    private Object stickiness(ApiRequest req, String listener, String route) throws IOException {
        if (req.method().equals("PUT")) {
            return changes.stickiness(req.principal(), listener, route, body(req));
        }
        return views.routes().stream()
                .filter(r -> listener.equals(r.get("listener")) && route.equals(r.get("name"))).findFirst()
                .orElseThrow(() -> new ApiException(404, "no route " + listener + "/" + route));
    }

    private interface Action {
        Object run() throws IOException;
    }

    private static Object post(String method, Action a) throws IOException {
        if (!method.equals("POST")) {
            throw new ApiException(405, "use POST");
        }
        return a.run();
    }

    private Object extension(String path) {
        for (NodeService s : node.services()) {
            if (s instanceof AdminReadable r && r.adminPath().equals(path)) {
                return r.adminSnapshot();
            }
        }
        return null;
    }

    private static void requireAdmin(Principal p) {
        if (!p.role().mayChange()) {
            throw new ApiException(403, "token " + p.name() + " has the read role; changes need the admin role");
        }
    }

    private static Map<String, Object> body(ApiRequest req) {
        if (req.body().length == 0) {
            return Map.of();
        }
        try {
            return JSON.readValue(req.body(), OBJECT);
        } catch (IOException e) {
            throw new ApiException(400, "the body must be a JSON object");
        }
    }

    /** An error answer: {@code {"error": "..."}}. */
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
