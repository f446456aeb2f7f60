package io.fulcrum.admin.api;

import io.fulcrum.admin.AdminNode;
import io.fulcrum.admin.auth.Principal;
import io.fulcrum.admin.spi.MetricImportanceSink;
import io.fulcrum.admin.state.AdminState;
import io.fulcrum.admin.state.StateData;
import io.fulcrum.control.config.ConfigError;
import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.control.config.ConfigUnits;
import io.fulcrum.control.config.ConfigValidator;
import io.fulcrum.control.config.LoadedConfig;
import io.fulcrum.control.config.Names;
import io.fulcrum.control.reload.ReloadResult;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.StickinessConfig;
import io.fulcrum.core.event.Event;
import io.fulcrum.core.lifecycle.NodeService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The change side of the API. Every change is recorded in the state file first, then
 * put into service by applying the configuration with the change laid over it (the same
 * path a reload takes, so live connections and counters stay), then published as an
 * event naming the token that made it. A change that would make the configuration
 * invalid is refused before anything is written.
 */
final class Changes {

    private static final Set<String> STICKY_MODES = Set.of("source", "cookie");

    private static final Logger LOG = LoggerFactory.getLogger(Changes.class);

    private final AdminNode node;
    private final AdminState state;
    private final ReadViews views;
    /** Re-applies the configuration at drain deadlines. */
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("fulcrum-admin-deadlines").daemon(true).unstarted(r));
    private final List<ScheduledFuture<?>> deadlines = new ArrayList<>();

    Changes(AdminNode node, AdminState state, ReadViews views) {
        this.node = node;
        this.state = state;
        this.views = views;
    }

    /**
     * Drains a backend: no new sessions from now, or, with {@code until}, from then on (it
     * takes new flows and sessions normally until that time; the overlay switches the state
     * when it comes, and {@link #scheduleDeadlines} re-applies the configuration then).
     */
    synchronized Map<String, Object> drain(Principal who, String pool, String backend, Map<String, Object> body)
            throws IOException {
        views.backendObject(pool, backend);
        Instant from = until(body.get("until"));
        Map<String, String> details = from == null ? Map.of() : Map.of("until", from.toString());
        apply(who, AdminState.override(pool, backend, o -> new StateData.BackendOverride("draining", o.weight(), from)),
                "backend.drain", pool + "/" + backend, from == null ? "drained by the operator: no new sessions"
                        : "drain by the operator: new sessions until " + from + ", none after", details);
        scheduleDeadlines();
        return views.backend(views.poolRuntime(pool), views.backendObject(pool, backend));
    }

    /**
     * Fails a backend: it takes nothing, and whatever is bound to it (sticky sessions, L4
     * flows) is purged at once, exactly as when its health checks fail: the state
     * {@code down} makes the proxy and the L4 router treat it as failed.
     */
    synchronized Map<String, Object> fail(Principal who, String pool, String backend, Map<String, Object> body)
            throws IOException {
        views.backendObject(pool, backend);
        Object reason = body.get("reason");
        if (reason != null && !(reason instanceof String)) {
            throw new ApiException(400, "reason must be a string");
        }
        String why = reason == null || ((String) reason).isBlank() ? "failed by the operator"
                : "failed by the operator: " + Names.printable((String) reason);
        apply(who, AdminState.override(pool, backend, o -> new StateData.BackendOverride("down", o.weight())),
                "backend.fail", pool + "/" + backend, why, Map.of());
        // Its sticky sessions go now, not at the next periodic pass (the L4 router purges its
        // flows itself when the backend turns down).
        node.proxy().runSessionMaintenance();
        return views.backend(views.poolRuntime(pool), views.backendObject(pool, backend));
    }

    /** A drain's {@code until}: an instant, or a delay from now such as {@code "10m"}; {@code null} = now. */
    private static Instant until(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text) || text.isBlank()) {
            throw new ApiException(400, "until must be a time (2026-01-01T12:00:00Z) or a delay (10m)");
        }
        Instant at;
        try {
            at = Instant.parse(text);
        } catch (java.time.format.DateTimeParseException notAnInstant) {
            try {
                at = Instant.now().plus(ConfigUnits.parseDuration(text));
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "until must be a time (2026-01-01T12:00:00Z) or a delay (10m): "
                        + e.getMessage());
            }
        }
        return at.isAfter(Instant.now()) ? at : null;
    }

    /**
     * Re-applies the configuration when each pending drain deadline comes, so that the
     * overlay puts the drain in force then (also after a restart: deadlines are kept in the
     * state file).
     */
    synchronized void scheduleDeadlines() {
        for (ScheduledFuture<?> f : deadlines) {
            f.cancel(false);
        }
        deadlines.clear();
        Instant now = Instant.now();
        for (StateData.BackendOverride o : state.data().backends().values()) {
            if (o.from() != null && o.from().isAfter(now)) {
                long delay = Duration.between(now, o.from()).toMillis() + 1;
                deadlines.add(clock.schedule(this::deadlineReached, delay, TimeUnit.MILLISECONDS));
            }
        }
    }

    private void deadlineReached() {
        try {
            node.reapply();
        } catch (IOException | RuntimeException e) {
            LOG.error("a drain deadline came but the configuration could not be re-applied: {}", e.toString(), e);
        }
    }

    /** Stops the deadline clock. */
    void close() {
        clock.shutdownNow();
    }

    synchronized Map<String, Object> disable(Principal who, String pool, String backend) throws IOException {
        views.backendObject(pool, backend);
        apply(who, AdminState.override(pool, backend, o -> new StateData.BackendOverride("disabled", o.weight())),
                "backend.disable", pool + "/" + backend, "disabled by the operator: takes nothing new", Map.of());
        return views.backend(views.poolRuntime(pool), views.backendObject(pool, backend));
    }

    synchronized Map<String, Object> enable(Principal who, String pool, String backend) throws IOException {
        views.backendObject(pool, backend);
        String configured = configuredState(pool, backend);
        String state = "up".equals(configured) ? null : "up";
        apply(who, AdminState.override(pool, backend, o -> new StateData.BackendOverride(state, o.weight())),
                "backend.enable", pool + "/" + backend, "enabled by the operator", Map.of());
        return views.backend(views.poolRuntime(pool), views.backendObject(pool, backend));
    }

    synchronized Map<String, Object> weight(Principal who, String pool, String backend, Map<String, Object> body)
            throws IOException {
        views.backendObject(pool, backend);
        boolean adaptive = Boolean.TRUE.equals(body.get("adaptive"));
        Integer weight = null;
        if (!adaptive) {
            Object w = body.get("weight");
            if (!(w instanceof Number n) || n.doubleValue() != Math.floor(n.doubleValue())
                    || n.longValue() < 0 || n.longValue() > 1_000_000) {
                throw new ApiException(400, "give {\"weight\": N} with N a whole number >= 0, or {\"adaptive\": true}");
            }
            weight = n.intValue();
        }
        Integer fixed = weight;
        apply(who, AdminState.override(pool, backend, o -> new StateData.BackendOverride(o.state(), fixed, o.from())),
                "backend.weight", pool + "/" + backend,
                adaptive ? "weight back to configured/adaptive" : "weight fixed by the operator",
                adaptive ? Map.of("weight", "adaptive") : Map.of("weight", String.valueOf(weight)));
        return views.backend(views.poolRuntime(pool), views.backendObject(pool, backend));
    }

    synchronized Map<String, Object> add(Principal who, String pool, Map<String, Object> body) throws IOException {
        views.poolRuntime(pool);
        Object address = body.get("address");
        if (!(address instanceof String a) || a.isBlank()) {
            throw new ApiException(400, "give at least {\"address\": \"host:port\"}");
        }
        HostPort hp;
        try {
            hp = HostPort.parse(a);
        } catch (IllegalArgumentException e) {
            // The configuration's own rule refuses it, as it refuses any change that would not validate.
            throw new ApiException(422, "refused: address: " + e.getMessage());
        }
        Object given = body.get("name");
        if (given != null && !(given instanceof String)) {
            throw new ApiException(400, "name must be a string");
        }
        String name = given != null ? (String) given : hp.toString();
        // The same rule as the configuration's: the name is a path segment and a word of log lines.
        String problem = given != null ? Names.backendNameProblem(name) : null;
        if (problem != null) {
            throw new ApiException(400, "name " + problem);
        }
        if (views.poolRuntime(pool).backend(name) != null) {
            throw new ApiException(409, "pool " + pool + " already has a backend named " + name);
        }
        Integer weight = wholeNumber(body, "weight");
        Integer max = wholeNumber(body, "maxConnections");
        String st = text(body, "state");
        String site = text(body, "site");
        String host = text(body, "host");
        BackendConfig bc = new BackendConfig(name, hp, weight, max, site, host, null, st);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("address", hp.toString());
        details.put("weight", String.valueOf(bc.weight()));
        if (site != null) {
            details.put("site", site);
        }
        if (host != null) {
            details.put("host", host);
        }
        apply(who, AdminState.add(pool, bc), "backend.add", pool + "/" + name, "added by the operator", details);
        return views.backend(views.poolRuntime(pool), views.backendObject(pool, name));
    }

    private static Integer wholeNumber(Map<String, Object> body, String field) {
        Object v = body.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < 0
                || ((Number) v).longValue() > Integer.MAX_VALUE) {
            throw new ApiException(400, field + " must be a whole number >= 0");
        }
        return ((Number) v).intValue();
    }

    private static String text(Map<String, Object> body, String field) {
        Object v = body.get(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new ApiException(400, field + " must be a string");
        }
        return s;
    }

    synchronized void remove(Principal who, String pool, String backend) throws IOException {
        views.backendObject(pool, backend);
        boolean configured = views.configuredInFile(pool, backend);
        apply(who, AdminState.remove(pool, backend, configured), "backend.remove", pool + "/" + backend,
                "removed by the operator", Map.of());
    }

    synchronized Map<String, Object> stickiness(Principal who, String listener, String route, Map<String, Object> body)
            throws IOException {
        RouteConfig rc = routeConfig(listener, route);
        StickinessConfig old = rc.stickiness();
        Boolean enabled = body.containsKey("enabled") ? Boolean.TRUE.equals(body.get("enabled")) : old.enabled();
        String mode = body.get("mode") instanceof String m ? m : old.mode();
        if (!STICKY_MODES.contains(mode)) {
            throw new ApiException(400, "mode must be source or cookie");
        }
        String cookie = body.get("cookieName") instanceof String c ? c : old.cookieName();
        Duration timeout = old.timeout();
        if (body.get("timeout") instanceof String t) {
            try {
                timeout = ConfigUnits.parseDuration(t);
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "timeout: " + e.getMessage());
            }
        } else if (body.containsKey("timeout")) {
            throw new ApiException(400, "timeout must be a duration such as \"30m\"");
        }
        StickinessConfig s = new StickinessConfig(enabled, mode, cookie, timeout);
        apply(who, AdminState.stickiness(listener, route, s), "route.stickiness", listener + "/" + route,
                "stickiness set by the operator", Map.of("enabled", String.valueOf(enabled), "mode", mode,
                        "timeout", ConfigUnits.formatDuration(timeout)));
        return views.routes().stream().filter(r -> listener.equals(r.get("listener")) && route.equals(r.get("name")))
                .findFirst().orElseThrow();
    }

    synchronized Map<String, Object> importance(Principal who, String pool, Map<String, Object> body) throws IOException {
        views.poolRuntime(pool);
        Map<String, Double> imp = new LinkedHashMap<>();
        for (var e : body.entrySet()) {
            if (!(e.getValue() instanceof Number n) || n.doubleValue() < 0 || !Double.isFinite(n.doubleValue())) {
                throw new ApiException(400, "importance of " + e.getKey() + " must be a number >= 0");
            }
            imp.put(e.getKey(), n.doubleValue());
        }
        apply(who, AdminState.importance(pool, imp), "pool.importance", pool, "metric importance set by the operator",
                imp.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                        e -> String.valueOf(e.getValue()))));
        pushImportance();
        return Map.of("pool", pool, "importance", imp);
    }

    /** Hands the persisted importance to every service that takes it. */
    void pushImportance() {
        for (NodeService s : node.services()) {
            if (s instanceof MetricImportanceSink sink) {
                state.data().importance().forEach(sink::metricImportance);
            }
        }
    }

    synchronized Map<String, Object> reload(Principal who) {
        if (node.configFile() == null) {
            throw new ApiException(409, "this node was not started from a file");
        }
        // The node's one reloader: the same validation, diff, log line and event as SIGHUP.
        ReloadResult r = node.reload("admin API", who.name());
        switch (r.outcome()) {
            case REFUSED -> throw new ApiException(422, r.message());
            case FAILED -> throw new ApiException(500, "reload failed: " + r.message());
            case STOPPED -> throw new ApiException(503, "the node is stopping");
            default -> {
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("outcome", r.outcome() == ReloadResult.Outcome.APPLIED ? "applied" : "unchanged");
        out.put("changes", r.changes().bySection());
        out.put("restartRequired", r.changes().restartRequired());
        out.put("warnings", r.warnings());
        return out;
    }

    /**
     * Checks a configuration text without applying it: loaded, validated and compiled by the
     * node's check, as {@code fulcrum validate} and a reload check a file, so a text this
     * accepts is one a reload puts into service.
     */
    Map<String, Object> validate(String yaml) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            LoadedConfig loaded = node.compileCheck().compiled(ConfigLoader.parseWithWarnings(yaml, "request"));
            out.put("valid", true);
            out.put("errors", List.of());
            out.put("warnings", loaded.warnings().stream().map(Changes::error).toList());
        } catch (ConfigException e) {
            out.put("valid", false);
            out.put("errors", e.errors().stream().map(Changes::error).toList());
            out.put("warnings", List.of());
        }
        return out;
    }

    private static Map<String, Object> error(ConfigError e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", e.path());
        m.put("line", e.line());
        m.put("column", e.column());
        m.put("message", e.message());
        return m;
    }

    /** Validates the change, records it, applies it and publishes the event. */
    private void apply(Principal who, UnaryOperator<StateData> edit, String kind, String subject, String reason,
                       Map<String, String> details) throws IOException {
        FulcrumConfig preview = state.preview(edit);
        if (preview != null) {
            ConfigValidator.Result r = ConfigValidator.validate(preview);
            if (!r.ok()) {
                throw new ApiException(422, "refused: " + r.errors().stream().map(e -> e.format(null))
                        .collect(java.util.stream.Collectors.joining("; ")));
            }
        }
        Event event = new Event(0, Instant.now(), "admin." + kind, subject, reason, who.name(), details);
        try {
            state.change(edit, event);
        } catch (io.fulcrum.admin.state.StateConflictException lostRace) {
            throw new ApiException(409, lostRace.getMessage());
        } catch (IOException e) {
            if (state.shared()) {
                throw new ApiException(503, "the fleet's store cannot be reached; nothing was changed: " + e.getMessage());
            }
            throw e;
        }
        node.reapply();
        node.events().publish(event);
    }

    private String configuredState(String pool, String backend) {
        FulcrumConfig base = state.base();
        PoolConfig pc = base == null ? null : base.pool(pool);
        if (pc != null) {
            for (BackendConfig bc : pc.backends()) {
                if (bc.name().equals(backend)) {
                    return bc.state();
                }
            }
        }
        for (BackendConfig bc : state.data().added().getOrDefault(pool, List.of())) {
            if (bc.name().equals(backend)) {
                return bc.state();
            }
        }
        return "up";
    }

    private RouteConfig routeConfig(String listener, String route) {
        for (ListenerConfig lc : node.config().listeners()) {
            if (lc.name().equals(listener)) {
                for (RouteConfig rc : lc.routes()) {
                    if (rc.name().equals(route)) {
                        return rc;
                    }
                }
            }
        }
        throw new ApiException(404, "no route " + listener + "/" + route);
    }
}
