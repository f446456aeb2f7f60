package io.fulcrum.admin.api;

import io.fulcrum.admin.auth.Role;

import java.util.Arrays;
import java.util.List;

/**
 * Every endpoint of the admin API, declared once: method, path, the role it needs, its
 * help text, its parameters and the largest body it accepts. The router ({@link EndpointTable}),
 * {@code GET /api/v1/help}, {@code fulcrum ctl} (which calls the API through these
 * constants) and the checks of {@code docs/openapi.yaml} all work from this list; the
 * handlers are bound to the constants in {@link AdminApi}.
 *
 * <p>Modelled on Envoy's admin handler table: one row per endpoint, nothing about an
 * endpoint written anywhere else.
 */
public enum ApiEndpoint {

    HELP("GET", "/api/v1/help", Role.READ, "Every endpoint: method, path, role, parameters, body limit"),
    WHOAMI("GET", "/api/v1/whoami", Role.READ, "The token's name and role"),
    STATUS("GET", "/api/v1/status", Role.READ, "Node summary: site, host, files, which parts run"),
    SERVICES("GET", "/api/v1/services", Role.READ, "Virtual services: HTTP listeners, and L4 services when the L4 router runs"),
    LISTENERS("GET", "/api/v1/listeners", Role.READ, "HTTP listeners and where they are bound"),
    ROUTES("GET", "/api/v1/routes", Role.READ, "Routes with their pool and stickiness"),
    ROUTE("GET", "/api/v1/listeners/{listener}/routes/{route}/stickiness", Role.READ, "One route and its stickiness"),
    SET_STICKINESS("PUT", "/api/v1/listeners/{listener}/routes/{route}/stickiness", Role.ADMIN,
            "Change a route's stickiness (fields left out keep their value)", Limits.SMALL,
            Param.body("enabled", "true or false"), Param.body("mode", "source or cookie"),
            Param.body("cookieName", "the cookie's name (mode cookie)"), Param.body("timeout", "entry lifetime, like 30m")),
    POOLS("GET", "/api/v1/pools", Role.READ, "Pools with their backends"),
    POOL("GET", "/api/v1/pools/{pool}", Role.READ, "One pool with its backends"),
    IMPORTANCE("GET", "/api/v1/pools/{pool}/importance", Role.READ, "A pool's metric importance for adaptive weights"),
    SET_IMPORTANCE("PUT", "/api/v1/pools/{pool}/importance", Role.ADMIN,
            "Set a pool's metric importance ({} clears it)", Limits.SMALL,
            Param.body("<metric>", "importance of that metric, a number >= 0 (input, host, service, user)")),
    POOL_BACKENDS("GET", "/api/v1/pools/{pool}/backends", Role.READ, "A pool's backends"),
    ADD_BACKEND("POST", "/api/v1/pools/{pool}/backends", Role.ADMIN, "Add a backend to a pool (201)", Limits.SMALL,
            Param.body("address", "host:port (required)"), Param.body("name", "unique in the pool (default: the address)"),
            Param.body("weight", "whole number >= 0 (default 1)"), Param.body("maxConnections", "0 = unlimited"),
            Param.body("state", "up, down, draining, disabled or backup"),
            Param.body("site", "the site it runs in (locality)"), Param.body("host", "the host it runs on (locality)")),
    BACKEND("GET", "/api/v1/pools/{pool}/backends/{backend}", Role.READ, "One backend"),
    REMOVE_BACKEND("DELETE", "/api/v1/pools/{pool}/backends/{backend}", Role.ADMIN, "Remove a backend (204)"),
    DRAIN("POST", "/api/v1/pools/{pool}/backends/{backend}/drain", Role.ADMIN,
            "Drain: no new sessions (from now, or from `until` on); sticky sessions and live connections finish",
            Limits.SMALL, Param.body("until", "new flows and sessions still allowed until then: a time "
                    + "(2026-01-01T12:00:00Z) or a delay from now (10m); default: none from now")),
    FAIL("POST", "/api/v1/pools/{pool}/backends/{backend}/fail", Role.ADMIN,
            "Fail: takes nothing; its sticky sessions and L4 flows are purged at once, as for a failed health check",
            Limits.SMALL, Param.body("reason", "why, for the event log")),
    ENABLE("POST", "/api/v1/pools/{pool}/backends/{backend}/enable", Role.ADMIN,
            "Enable: back to its configured state (ends a drain, failure or disable)"),
    DISABLE("POST", "/api/v1/pools/{pool}/backends/{backend}/disable", Role.ADMIN, "Disable: takes nothing new"),
    SET_WEIGHT("PUT", "/api/v1/pools/{pool}/backends/{backend}/weight", Role.ADMIN,
            "Fix the weight, or give it back to the configuration and adaptive weighting", Limits.SMALL,
            Param.body("weight", "whole number >= 0"), Param.body("adaptive", "true: forget the fixed weight")),
    BACKENDS("GET", "/api/v1/backends", Role.READ,
            "Every backend: state, health, weight and where it comes from, connections, requests, latency"),
    STICKY("GET", "/api/v1/sticky", Role.READ, "Sticky-session entries and their remaining life", 0,
            Param.query("route", "only this listener/route"), Param.query("limit", "most entries (default 100)")),
    CONNECTIONS("GET", "/api/v1/connections", Role.READ, "The L4 connection table (404 until an L4 router runs)", 0,
            Param.query("limit", "most entries (default 100)")),
    EVENTS("GET", "/api/v1/events", Role.READ, "The event log", 0,
            Param.query("after", "only events after this sequence number"), Param.query("limit", "most events (default 200)")),
    EVENT_STREAM("GET", "/api/v1/events/stream", Role.READ, "Server-sent events, one per event", 0,
            Param.query("after", "resume after this sequence number (or the Last-Event-ID header)")),
    STATS("GET", "/api/v1/stats", Role.READ, "Per-backend history, one point a second", 0,
            Param.query("points", "how many points (default 120)")),
    STATS_TABLE("GET", "/api/v1/stats/table", Role.READ,
            "The stats table: per listener, pool and backend sessions, queue, bytes, status classes, errors, "
                    + "retries, checks, downtime and weight (columns with their meaning, then rows); uptime, version"),
    STATS_CSV("GET", "/api/v1/stats.csv", Role.READ, "The stats table as CSV, the same columns (also at /stats;csv)"),
    CERTIFICATES("GET", "/api/v1/certificates", Role.READ,
            "Certificates the TLS listeners serve: names, file, expiry and days left"),
    STATE("GET", "/api/v1/state", Role.READ, "The operator's persisted changes (the state file)"),
    RELOAD("POST", "/api/v1/reload", Role.ADMIN, "Reload the configuration file"),
    VALIDATE("POST", "/api/v1/config/validate", Role.READ,
            "Validate and compile a YAML configuration (the body) as a reload would, without applying it",
            Limits.CONFIG,
            Param.body("(YAML text)", "the configuration to check")),
    SCHEMA("GET", "/api/v1/schema", Role.READ,
            "The JSON Schema (draft 2020-12) of the configuration file, as `fulcrum schema` prints it"),
    GSLB_SITES("GET", "/api/v1/gslb/sites", Role.READ, "GSLB sites as this node sees them (404 until GSLB runs)"),
    GSLB_HANDOFF("GET", "/api/v1/gslb/handoff", Role.READ, "GSLB hand-off shares (404 until GSLB runs)"),
    CLUSTER_STATS("GET", "/api/v1/cluster/stats", Role.READ,
            "The cluster controller: this node, the leader, per pool the aggregated load and the last publication"),
    CLUSTER_NODES("GET", "/api/v1/cluster/nodes", Role.READ,
            "Cluster members as this node sees them: state (up, draining, removed, failed), roles, site, "
                    + "addresses, and the leader (404 outside a cluster)"),
    CLUSTER_LEADER("GET", "/api/v1/cluster/leader", Role.READ,
            "The elected leader, its fencing revision, and whether this node leads (404 outside a cluster)"),
    SCALE("GET", "/api/v1/scale", Role.READ,
            "Autoscaled pools: policy, current and desired size, members, the last decision and its reason, "
                    + "the size history and recent steps"),
    SCALE_PAUSE("POST", "/api/v1/scale/{pool}/pause", Role.ADMIN,
            "Stop a pool's automatic scaling and healing, or the proxy tier's (pool proxy-tier); actions under way "
                    + "finish"),
    SCALE_RESUME("POST", "/api/v1/scale/{pool}/resume", Role.ADMIN,
            "Give a pool, or the proxy tier (proxy-tier), back to its autoscale policy (ends a pause or an "
                    + "operator's size)"),
    SCALE_SET("POST", "/api/v1/scale/{pool}/set", Role.ADMIN,
            "Bring a pool, or the proxy tier (proxy-tier), to a size and hold it there until resume", Limits.SMALL,
            Param.body("size", "members, within the policy's min and max (required)")),
    SCALE_PROTECT("POST", "/api/v1/scale/{pool}/members/{member}/protect", Role.ADMIN,
            "Protect a member the autoscaler started from scale-in (kept across restarts)"),
    SCALE_UNPROTECT("POST", "/api/v1/scale/{pool}/members/{member}/unprotect", Role.ADMIN,
            "Lift a member's scale-in protection"),
    EXTENSION("GET", "/api/v1/{extension}", Role.READ,
            "A read-only view of another service, such as dns/stats or gslb/peers (listed in /api/v1/help)");

    /** Body limits, in bytes. */
    static final class Limits {
        /** A small JSON object. */
        static final int SMALL = 16 * 1024;
        /** A configuration file to validate. */
        static final int CONFIG = 4 * 1024 * 1024;

        private Limits() {
        }
    }

    /**
     * One parameter of an endpoint.
     *
     * @param name where: the name in the path, the query or the JSON body
     * @param in   {@code path}, {@code query} or {@code body}
     * @param help what it means
     */
    public record Param(String name, String in, String help) {
        static Param query(String name, String help) {
            return new Param(name, "query", help);
        }

        static Param body(String name, String help) {
            return new Param(name, "body", help);
        }
    }

    private final String method;
    private final String path;
    private final Role role;
    private final String help;
    private final int maxBody;
    private final List<Param> params;
    private final List<String> segments;

    ApiEndpoint(String method, String path, Role role, String help) {
        this(method, path, role, help, 0);
    }

    ApiEndpoint(String method, String path, Role role, String help, int maxBody, Param... params) {
        this.method = method;
        this.path = path;
        this.role = role;
        this.help = help;
        this.maxBody = maxBody;
        this.segments = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        List<Param> all = new java.util.ArrayList<>();
        for (String s : segments) {
            if (s.startsWith("{")) {
                all.add(new Param(s.substring(1, s.length() - 1), "path", "the " + s.substring(1, s.length() - 1) + "'s name"));
            }
        }
        all.addAll(List.of(params));
        this.params = List.copyOf(all);
    }

    /** {@code GET}, {@code POST}, {@code PUT} or {@code DELETE} ({@code GET} also answers {@code HEAD}). */
    public String method() {
        return method;
    }

    /** The path template, like {@code /api/v1/pools/{pool}}. */
    public String path() {
        return path;
    }

    /** The role a token needs. */
    public Role role() {
        return role;
    }

    /** One line saying what it does. */
    public String help() {
        return help;
    }

    /** The largest request body accepted, in bytes (0: none). */
    public int maxBody() {
        return maxBody;
    }

    /** Its parameters: those in the path first. */
    public List<Param> params() {
        return params;
    }

    /** The path's segments, {@code {name}} for a parameter. */
    List<String> segments() {
        return segments;
    }

    /** Whether the last path parameter takes the rest of the path (an extension's path may hold slashes). */
    boolean takesRest() {
        return this == EXTENSION;
    }

    /**
     * The concrete path for these path parameters (in template order), each encoded as one
     * path segment.
     */
    public String expand(String... values) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        for (String s : segments) {
            b.append('/');
            if (s.startsWith("{")) {
                if (i >= values.length) {
                    throw new IllegalArgumentException(path + " needs " + (i + 1) + " values");
                }
                String v = values[i++];
                b.append(takesRest() ? v : encode(v));
            } else {
                b.append(s);
            }
        }
        return b.toString();
    }

    private static String encode(String segment) {
        return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
