package io.fulcrum.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fulcrum.admin.api.ApiEndpoint;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static io.fulcrum.admin.cli.Table.col;

/**
 * {@code fulcrum ctl}: every admin API action from the command line. Tables by default,
 * {@code --json} for scripts. The server and token come from {@code --server} and
 * {@code --token}, else {@code FULCRUM_ADMIN} and {@code FULCRUM_TOKEN}, else the file
 * {@code ~/.config/fulcrum/ctl.yaml} ({@code server:}, {@code token:} or {@code tokenFile:}),
 * else {@code http://127.0.0.1:9900/} without a token.
 */
@Command(name = "ctl",
        description = "Look at and change a running Fulcrum through its admin API.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the server refused or could not be reached", "2:invalid command line"})
public final class CtlCommand implements Callable<Integer> {

    /**
     * The ctl commands, in the order usage help lists them: a table rather than the annotation's
     * {@code subcommands}, so that a call builds only the command it runs ({@link CommandTree}).
     */
    public static final List<Class<?>> SUBCOMMANDS = List.of(
            Status.class, Services.class, Listeners.class, Routes.class, Pools.class, Backends.class,
            Sticky.class, Connections.class, Events.class, Sites.class, Handoff.class, Cluster.class,
            ScaleCommand.class, Drain.class, Fail.class, Enable.class, Disable.class, Weight.class,
            Add.class, Remove.class, Stickiness.class, Importance.class, Reload.class, Validate.class,
            State.class, Endpoints.class, Get.class, CommandLine.HelpCommand.class);

    /** {@code ctl} with all its commands (for tests; {@code fulcrum} itself builds it through its own tree). */
    public static CommandLine commandLine() {
        return new CommandTree().group(CtlCommand.class, SUBCOMMANDS).whole(CtlCommand.class);
    }

    /** The default admin address (the default of admin.bind). */
    public static final String DEFAULT_SERVER = io.fulcrum.core.config.admin.AdminConfig.DEFAULT_URL;

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--server", paramLabel = "URL", scope = CommandLine.ScopeType.INHERIT,
            description = "Admin server URL (else FULCRUM_ADMIN, the ctl config file, or " + DEFAULT_SERVER + ").")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN", scope = CommandLine.ScopeType.INHERIT,
            description = "Bearer token (else FULCRUM_TOKEN or the ctl config file).")
    String token;

    @Option(names = "--ctl-config", paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
            description = "ctl config file (default ~/.config/fulcrum/ctl.yaml).")
    Path ctlConfig;

    @Option(names = "--json", scope = CommandLine.ScopeType.INHERIT, description = "Print the API's JSON instead of a table.")
    boolean json;

    /** Environment lookups, replaceable in tests. */
    static java.util.function.Function<String, String> env = System::getenv;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing ctl command (try: fulcrum ctl help)");
    }

    /** The client for the chosen server and token. */
    AdminClient client() throws IOException {
        Map<String, String> file = fileSettings();
        String s = first(server, env.apply("FULCRUM_ADMIN"), file.get("server"), DEFAULT_SERVER);
        String t = first(token, env.apply("FULCRUM_TOKEN"), file.get("token"), null);
        return new AdminClient(URI.create(s), t);
    }

    private Map<String, String> fileSettings() throws IOException {
        Path p = ctlConfig;
        if (p == null) {
            String home = System.getProperty("user.home");
            String xdg = env.apply("XDG_CONFIG_HOME");
            p = (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(home, ".config")).resolve("fulcrum/ctl.yaml");
            if (!Files.exists(p)) {
                return Map.of();
            }
        }
        JsonNode n = new ObjectMapper(new YAMLFactory()).readTree(p.toFile());
        Map<String, String> m = new LinkedHashMap<>();
        if (n != null && n.hasNonNull("server")) {
            m.put("server", n.get("server").asText());
        }
        if (n != null && n.hasNonNull("token")) {
            m.put("token", n.get("token").asText());
        } else if (n != null && n.hasNonNull("tokenFile")) {
            m.put("token", Files.readAllLines(Path.of(n.get("tokenFile").asText())).getFirst().strip());
        }
        return m;
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The common shape of a subcommand: call the API, print table or JSON, map errors to exit 1. */
    abstract static class Action implements Callable<Integer> {
        /** The command above: {@code ctl} itself, or a group such as {@code cluster}. */
        @ParentCommand
        Object parent;

        @Spec
        CommandSpec spec;

        private final List<ApiEndpoint> calls;

        /** @param calls the endpoints this command calls (checked against the endpoint table by a test) */
        Action(ApiEndpoint... calls) {
            this.calls = List.of(calls);
        }

        /** The ctl command above this one (directly, or above a group such as {@code cluster}). */
        CtlCommand ctl() {
            if (parent instanceof CtlCommand c) {
                return c;
            }
            for (CommandLine p = spec.commandLine().getParent(); p != null; p = p.getParent()) {
                if (p.getCommand() instanceof CtlCommand c) {
                    return c;
                }
            }
            throw new IllegalStateException(spec.name() + " is not under fulcrum ctl");
        }

        /** The endpoints of the table this command calls. */
        List<ApiEndpoint> calls() {
            return calls;
        }

        /**
         * Calls the node and returns its answer. By default the one endpoint given to the
         * constructor, with no parameters and no body; commands that send something override it.
         */
        JsonNode run(AdminClient client) throws IOException {
            if (calls.size() != 1) {
                throw new IllegalStateException(spec.name() + " calls " + calls + ": it must say how");
            }
            return client.call(calls.getFirst(), null, null);
        }

        /** Prints the answer as a table (default: pretty JSON). */
        void table(PrintWriter out, JsonNode answer) throws IOException {
            out.println(AdminClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                JsonNode answer = run(ctl().client());
                if (ctl().json) {
                    out.println(AdminClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
                } else {
                    table(out, answer);
                }
                out.flush();
                return 0;
            } catch (IOException e) {
                err.println("fulcrum ctl: " + e.getMessage());
                err.flush();
                return 1;
            }
        }
    }

    static final List<Table.Column> BACKEND_COLUMNS = List.of(col("POOL", "pool"), col("BACKEND", "name"),
            col("ADDRESS", "address"), col("HEALTH", "health"), col("WEIGHT", "weight"), col("ORIGIN", "weightOrigin"),
            col("ACTIVE", "activeRequests"), col("CONNS", "openConnections"), col("TOTAL", "totalRequests"),
            col("RPS", "requestsPerSecond"), col("P50MS", "latencyMillis.p50"), col("P99MS", "latencyMillis.p99"),
            col("STICKY", "stickySessions"));

    @Command(name = "status", description = "Node summary: site, files, which parts run.")
    static final class Status extends Action {
        Status() {
            super(ApiEndpoint.STATUS);
        }
    }

    @Command(name = "services", description = "Virtual services (HTTP listeners, and L4 services when the router runs).")
    static final class Services extends Action {
        Services() {
            super(ApiEndpoint.SERVICES);
        }

        @Override
        void table(PrintWriter out, JsonNode a) {
            Table.print(out, a, List.of(col("NAME", "name"), col("KIND", "kind"), col("BIND", "bind"),
                    col("ADDRESS", "boundAddress"), col("ROUTES", "routes")));
        }
    }

    @Command(name = "listeners", description = "HTTP listeners and where they are bound.")
    static final class Listeners extends Action {
        Listeners() {
            super(ApiEndpoint.LISTENERS);
        }

        @Override
        void table(PrintWriter out, JsonNode a) {
            Table.print(out, a, List.of(col("NAME", "name"), col("BIND", "bind"), col("ADDRESS", "boundAddress"),
                    col("TLS", "tls"), col("ROUTES", "routes")));
        }
    }

    @Command(name = "routes", description = "Routes with their pool and stickiness.")
    static final class Routes extends Action {
        Routes() {
            super(ApiEndpoint.ROUTES);
        }

        @Override
        void table(PrintWriter out, JsonNode a) {
            Table.print(out, a, List.of(col("LISTENER", "listener"), col("ROUTE", "name"), col("POOL", "pool"),
                    col("STICKY", "stickiness.enabled"), col("MODE", "stickiness.mode"),
                    col("TIMEOUT", "stickiness.timeout"), col("ENTRIES", "stickyEntries")));
        }
    }

    @Command(name = "pools", description = "Pools with their algorithm and how many backends are up.")
    static final class Pools extends Action {
        Pools() {
            super(ApiEndpoint.POOLS);
        }

        @Override
        void table(PrintWriter out, JsonNode a) {
            Table.print(out, a, List.of(col("POOL", "name"), col("ALGORITHM", "algorithm"), col("UP", "backendsUp"),
                    col("TOTAL", "backendsTotal"), col("RPS", "requestsPerSecond"), col("QUEUED", "queued"),
                    col("IMPORTANCE", "importance")));
        }
    }

    @Command(name = "backends", description = "Backends: health, weight and its origin, connections, requests/s, latency.")
    static final class Backends extends Action {
        Backends() {
            super(ApiEndpoint.BACKENDS, ApiEndpoint.POOL_BACKENDS);
        }

        @Parameters(arity = "0..1", paramLabel = "POOL", description = "Only this pool.")
        String pool;

        JsonNode run(AdminClient c) throws IOException {
            return pool == null ? c.call(ApiEndpoint.BACKENDS, null, null) : c.call(ApiEndpoint.POOL_BACKENDS, null, null, pool);
        }

        @Override
        void table(PrintWriter out, JsonNode a) {
            Table.print(out, a, BACKEND_COLUMNS);
        }
    }

    @Command(name = "sticky", description = "Sticky-session entries.")
    static final class Sticky extends Action {
        Sticky() {
            super(ApiEndpoint.STICKY);
        }

        @Option(names = "--route", paramLabel = "LISTENER/ROUTE", description = "Only this route.")
        String route;
        @Option(names = "--limit", defaultValue = "100")
        int limit;

        JsonNode run(AdminClient c) throws IOException {
            return c.call(ApiEndpoint.STICKY, "limit=" + limit + (route == null ? "" : "&route=" + enc(route)), null);
        }

        @Override
        void table(PrintWriter out, JsonNode a) {
            out.println("entries: " + a.path("total").asText());
            Table.print(out, a.get("entries"), List.of(col("ROUTE", "route"), col("KEY", "key"),
                    col("BACKEND", "backend"), col("EXPIRES_MS", "expiresInMillis")));
        }
    }

    @Command(name = "connections", description = "The L4 connection table (when the L4 router runs).")
    static final class Connections extends Action {
        Connections() {
            super(ApiEndpoint.CONNECTIONS);
        }

        @Option(names = "--limit", defaultValue = "100")
        int limit;

        JsonNode run(AdminClient c) throws IOException {
            return c.call(ApiEndpoint.CONNECTIONS, "limit=" + limit, null);
        }

        @Override
        void table(PrintWriter out, JsonNode a) {
            out.println("active " + a.path("active").asText() + ", fin " + a.path("fin").asText() + ", completed "
                    + a.path("completed").asText());
            Table.print(out, a.get("entries"), List.of(col("SERVICE", "service"), col("CLIENT", "client"),
                    col("BACKEND", "backend"), col("STATE", "state"), col("AGE_MS", "ageMillis"),
                    col("IN", "bytesIn"), col("OUT", "bytesOut")));
        }
    }

    @Command(name = "events", description = "Recent events; --follow streams new ones.")
    static final class Events extends Action {
        Events() {
            super(ApiEndpoint.EVENTS, ApiEndpoint.EVENT_STREAM);
        }

        @Option(names = "--after", defaultValue = "0", description = "Only events after this sequence number.")
        long after;
        @Option(names = "--limit", defaultValue = "50")
        int limit;
        @Option(names = {"-f", "--follow"}, description = "Keep printing events as they happen (Ctrl-C stops).")
        boolean follow;

        JsonNode run(AdminClient c) throws IOException {
            if (follow) {
                PrintWriter out = spec.commandLine().getOut();
                c.follow(after, e -> {
                    out.println(ctl().json ? e.toString() : line(e));
                    out.flush();
                });
                return AdminClient.JSON.createArrayNode();
            }
            return c.call(ApiEndpoint.EVENTS, "limit=" + limit + (after > 0 ? "&after=" + after : ""), null);
        }

        static String line(JsonNode e) {
            return e.path("sequence").asText() + "  " + e.path("time").asText() + "  " + e.path("kind").asText()
                    + "  " + e.path("subject").asText() + "  " + e.path("reason").asText() + "  (by "
                    + e.path("actor").asText() + ")";
        }

        @Override
        void table(PrintWriter out, JsonNode a) {
            if (!follow) {
                Table.print(out, a, List.of(col("SEQ", "sequence"), col("TIME", "time"), col("KIND", "kind"),
                        col("SUBJECT", "subject"), col("BY", "actor"), col("REASON", "reason")));
            }
        }
    }

    @Command(name = "sites", description = "GSLB sites (when the site-state service runs).")
    static final class Sites extends Action {
        Sites() {
            super(ApiEndpoint.GSLB_SITES);
        }

        @Override
        void table(PrintWriter out, JsonNode a) {
            Table.print(out, a, List.of(col("SITE", "name"), col("LOCAL", "local"), col("UP", "up"),
                    col("RT_MS", "responseTimeMillis"), col("CAPACITY", "remainingCapacity"), col("SHARE", "handoffShare")));
        }
    }

    /** {@code fulcrum ctl cluster nodes|leader|stats}: the cluster as the node asked sees it. */
    @Command(name = "cluster", description = "The cluster: its members, the elected leader, the controller's statistics.",
            subcommands = {CtlCommand.ClusterNodes.class, CtlCommand.ClusterLeader.class, CtlCommand.ClusterStats.class})
    static final class Cluster implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing cluster command (nodes, leader or stats)");
        }
    }

    @Command(name = "nodes", description = "Cluster members with their state (up, draining, removed, failed) and the leader.")
    static final class ClusterNodes extends Action {
        ClusterNodes() {
            super(ApiEndpoint.CLUSTER_NODES);
        }

        @Override
        void table(PrintWriter out, JsonNode a) {
            out.println("leader: " + (a.path("leader").isNull() ? "(none)" : a.path("leader").asText()));
            Table.print(out, a.path("nodes"), List.of(col("NODE", "id"), col("STATE", "state"),
                    col("LEADER", "leader"), col("ROLES", "roles"), col("SITE", "site"), col("HOST", "host"),
                    col("PROXY", "addresses.proxy"), col("DNS", "addresses.dns"), col("ADMIN", "addresses.admin"),
                    col("SINCE", "since")));
        }
    }

    @Command(name = "leader", description = "The elected leader and its fencing revision.")
    static final class ClusterLeader extends Action {
        ClusterLeader() {
            super(ApiEndpoint.CLUSTER_LEADER);
        }

        @Override
        void table(PrintWriter out, JsonNode a) {
            Table.print(out, AdminClient.JSON.createArrayNode().add(a), List.of(col("LEADER", "leader"),
                    col("FENCING_REVISION", "fencingRevision"), col("LEASE", "lease"), col("THIS_NODE", "self"),
                    col("IS_LEADER", "isLeader")));
        }
    }

    @Command(name = "handoff", description = "The GSLB hand-off table.")
    static final class Handoff extends Action {
        Handoff() {
            super(ApiEndpoint.GSLB_HANDOFF);
        }
    }

    @Command(name = "stats", description = "The cluster controller: leader, per pool the load and the last publication.")
    static final class ClusterStats extends Action {
        ClusterStats() {
            super(ApiEndpoint.CLUSTER_STATS);
        }

        @Override
        void table(PrintWriter out, JsonNode a) {
            if (!a.path("enabled").asBoolean()) {
                out.println("the cluster controller does not run on this node");
                return;
            }
            out.println("node " + a.path("node").asText() + ", leader " + a.path("leader").asText()
                    + (a.path("isLeader").asBoolean() ? " (this node)" : ""));
            var rows = AdminClient.JSON.createArrayNode();
            a.path("pools").fields().forEachRemaining(e -> {
                var row = rows.addObject();
                JsonNode agg = e.getValue().path("aggregate");
                JsonNode pub = e.getValue().path("lastPublication");
                if (pub.isMissingNode() || pub.isNull()) {
                    pub = a.path("applied").path(e.getKey());
                }
                row.put("pool", e.getKey());
                row.put("nodes", agg.path("nodes").asInt());
                row.put("rps", Math.round(agg.path("requests").asDouble() * 10) / 10.0);
                StringBuilder shares = new StringBuilder();
                agg.path("backends").forEach(b -> shares.append(shares.isEmpty() ? "" : " ")
                        .append(b.path("backend").asText()).append('=')
                        .append(Math.round(b.path("sharePercent").asDouble())).append('%'));
                row.put("shares", shares.toString());
                row.put("mode", pub.path("mode").asText());
                row.put("publishedBy", pub.path("leader").asText());
                row.put("publishedAt", pub.has("publishedAt")
                        ? java.time.Instant.ofEpochMilli(pub.path("publishedAt").asLong()).toString() : "");
                row.put("weights", pub.path("weights").isObject() ? pub.path("weights").toString() : "");
            });
            Table.print(out, rows, List.of(col("POOL", "pool"), col("NODES", "nodes"), col("RPS", "rps"),
                    col("SHARES", "shares"), col("MODE", "mode"), col("BY", "publishedBy"), col("AT", "publishedAt"),
                    col("WEIGHTS", "weights")));
        }
    }

    abstract static class BackendAction extends Action {
        @Parameters(index = "0", paramLabel = "POOL")
        String pool;
        @Parameters(index = "1", paramLabel = "BACKEND")
        String backend;

        BackendAction(ApiEndpoint endpoint) {
            super(endpoint);
        }

        /** Calls this command's endpoint for the backend. */
        JsonNode call(AdminClient c, Object body) throws IOException {
            return c.call(calls().getFirst(), null, body, pool, backend);
        }

        @Override
        void table(PrintWriter out, JsonNode a) {
            Table.print(out, AdminClient.JSON.createArrayNode().add(a), BACKEND_COLUMNS);
        }
    }

    @Command(name = "drain", description = "Drain a backend: no new sessions (from now, or after --until); "
            + "its sticky sessions and connections finish.")
    static final class Drain extends BackendAction {
        @Option(names = "--until", paramLabel = "TIME|DELAY",
                description = "Take new sessions until then (2026-01-01T12:00:00Z, or a delay like 10m), then none.")
        String until;

        Drain() {
            super(ApiEndpoint.DRAIN);
        }

        JsonNode run(AdminClient c) throws IOException {
            return call(c, until == null ? null : Map.of("until", until));
        }
    }

    @Command(name = "fail", description = "Fail a backend: it takes nothing, and its sticky sessions and L4 flows "
            + "are dropped at once (as when its health checks fail). `enable` ends it.")
    static final class Fail extends BackendAction {
        @Option(names = "--reason", description = "Why, for the event log.")
        String reason;

        Fail() {
            super(ApiEndpoint.FAIL);
        }

        JsonNode run(AdminClient c) throws IOException {
            return call(c, reason == null ? null : Map.of("reason", reason));
        }
    }

    @Command(name = "enable", description = "Enable a backend (back to its configured state; ends a drain or failure).")
    static final class Enable extends BackendAction {
        Enable() {
            super(ApiEndpoint.ENABLE);
        }

        JsonNode run(AdminClient c) throws IOException {
            return call(c, null);
        }
    }

    @Command(name = "disable", description = "Disable a backend: it takes nothing new.")
    static final class Disable extends BackendAction {
        Disable() {
            super(ApiEndpoint.DISABLE);
        }

        JsonNode run(AdminClient c) throws IOException {
            return call(c, null);
        }
    }

    @Command(name = "weight", description = "Fix a backend's weight, or give it back to the configuration/adaptive weighting.")
    static final class Weight extends BackendAction {
        @Parameters(index = "2", paramLabel = "N|adaptive")
        String weight;

        Weight() {
            super(ApiEndpoint.SET_WEIGHT);
        }

        JsonNode run(AdminClient c) throws IOException {
            if (weight.equals("adaptive")) {
                return call(c, Map.of("adaptive", true));
            }
            try {
                return call(c, Map.of("weight", Integer.parseInt(weight)));
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "weight must be a number or 'adaptive'");
            }
        }
    }

    @Command(name = "add", description = "Add a backend to a pool.")
    static final class Add extends Action {
        @Parameters(index = "0", paramLabel = "POOL")
        String pool;
        @Parameters(index = "1", paramLabel = "HOST:PORT")
        String address;
        @Option(names = "--name")
        String name;
        @Option(names = "--weight")
        Integer weight;
        @Option(names = "--max-connections")
        Integer maxConnections;
        @Option(names = "--site", description = "The site it runs in (locality-aware balancing).")
        String site;
        @Option(names = "--host", description = "The host it runs on (locality-aware balancing).")
        String host;

        Add() {
            super(ApiEndpoint.ADD_BACKEND);
        }

        JsonNode run(AdminClient c) throws IOException {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("address", address);
            if (name != null) {
                body.put("name", name);
            }
            if (weight != null) {
                body.put("weight", weight);
            }
            if (maxConnections != null) {
                body.put("maxConnections", maxConnections);
            }
            if (site != null) {
                body.put("site", site);
            }
            if (host != null) {
                body.put("host", host);
            }
            return c.call(ApiEndpoint.ADD_BACKEND, null, body, pool);
        }

        @Override
        void table(PrintWriter out, JsonNode a) {
            Table.print(out, AdminClient.JSON.createArrayNode().add(a), BACKEND_COLUMNS);
        }
    }

    @Command(name = "remove", description = "Remove a backend from a pool.")
    static final class Remove extends BackendAction {
        Remove() {
            super(ApiEndpoint.REMOVE_BACKEND);
        }

        JsonNode run(AdminClient c) throws IOException {
            return call(c, null);
        }

        @Override
        void table(PrintWriter out, JsonNode a) {
            out.println("removed " + pool + "/" + backend);
        }
    }

    @Command(name = "stickiness", description = "Change a route's stickiness.")
    static final class Stickiness extends Action {
        @Parameters(index = "0", paramLabel = "LISTENER")
        String listener;
        @Parameters(index = "1", paramLabel = "ROUTE")
        String route;
        @Option(names = "--enabled", negatable = true, description = "Turn stickiness on (--no-enabled: off).")
        Boolean enabled;
        @Option(names = "--mode", description = "source or cookie")
        String mode;
        @Option(names = "--timeout", description = "Entry lifetime after last use, like 30m")
        String timeout;
        @Option(names = "--cookie-name")
        String cookieName;

        Stickiness() {
            super(ApiEndpoint.SET_STICKINESS);
        }

        JsonNode run(AdminClient c) throws IOException {
            Map<String, Object> body = new LinkedHashMap<>();
            if (enabled != null) {
                body.put("enabled", enabled);
            }
            if (mode != null) {
                body.put("mode", mode);
            }
            if (timeout != null) {
                body.put("timeout", timeout);
            }
            if (cookieName != null) {
                body.put("cookieName", cookieName);
            }
            return c.call(ApiEndpoint.SET_STICKINESS, null, body, listener, route);
        }
    }

    @Command(name = "importance", description = "Set a pool's metric importance, like: importance web service=2 host=1")
    static final class Importance extends Action {
        @Parameters(index = "0", paramLabel = "POOL")
        String pool;
        @Parameters(index = "1..*", arity = "0..*", paramLabel = "METRIC=VALUE", description = "none: clear")
        Map<String, Double> values = new LinkedHashMap<>();

        Importance() {
            super(ApiEndpoint.SET_IMPORTANCE);
        }

        JsonNode run(AdminClient c) throws IOException {
            return c.call(ApiEndpoint.SET_IMPORTANCE, null, values, pool);
        }
    }

    @Command(name = "reload", description = "Reload the configuration file.")
    static final class Reload extends Action {
        Reload() {
            super(ApiEndpoint.RELOAD);
        }
    }

    @Command(name = "validate", description = "Validate a configuration file on the server, without applying it.")
    static final class Validate extends Action {
        @Parameters(paramLabel = "FILE")
        Path file;

        Validate() {
            super(ApiEndpoint.VALIDATE);
        }

        JsonNode run(AdminClient c) throws IOException {
            JsonNode r = c.postText(ApiEndpoint.VALIDATE.expand(), Files.readString(file));
            if (!r.path("valid").asBoolean()) {
                PrintWriter out = spec.commandLine().getOut();
                table(out, r);
                out.flush();
                throw new IOException(file + " is not valid");
            }
            return r;
        }

        @Override
        void table(PrintWriter out, JsonNode a) {
            out.println(a.path("valid").asBoolean() ? "valid" : "invalid");
            for (String kind : List.of("errors", "warnings")) {
                for (JsonNode e : a.path(kind)) {
                    out.println((kind.equals("errors") ? "error: " : "warning: ") + e.path("line").asText() + ":"
                            + e.path("column").asText() + ": " + e.path("path").asText() + ": " + e.path("message").asText());
                }
            }
        }
    }

    @Command(name = "state", description = "The operator's persisted changes (the state file).")
    static final class State extends Action {
        State() {
            super(ApiEndpoint.STATE);
        }
    }

    @Command(name = "endpoints", description = "Every endpoint of the admin API (GET /api/v1/help).")
    static final class Endpoints extends Action {
        Endpoints() {
            super(ApiEndpoint.HELP);
        }

        @Override
        void table(PrintWriter out, JsonNode a) {
            Table.print(out, a.get("endpoints"), List.of(col("METHOD", "method"), col("PATH", "path"),
                    col("ROLE", "role"), col("MAX_BODY", "maxBodyBytes"), col("WHAT", "help")));
            if (!a.path("extensions").isEmpty()) {
                out.println("extensions (GET /api/v1/<path>): " + a.path("extensions"));
            }
        }
    }

    @Command(name = "get", description = "GET any API path (for example dns/stats) and print its JSON.")
    static final class Get extends Action {
        @Parameters(paramLabel = "PATH", description = "Path under /api/v1/")
        String path;

        /** Any read endpoint, by its path. */
        Get() {
            super(java.util.Arrays.stream(ApiEndpoint.values()).filter(e -> e.method().equals("GET"))
                    .toArray(ApiEndpoint[]::new));
        }

        JsonNode run(AdminClient c) throws IOException {
            return c.get("api/v1/" + (path.startsWith("/") ? path.substring(1) : path));
        }
    }
}
