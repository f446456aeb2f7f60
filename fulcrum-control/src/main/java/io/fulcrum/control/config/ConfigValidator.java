package io.fulcrum.control.config;

import io.fulcrum.control.config.YamlTree.Loc;
import io.fulcrum.core.config.AccessLogConfig;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.CertificateConfig;
import io.fulcrum.core.config.ConnectConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.KeepAliveConfig;
import io.fulcrum.core.config.LimitsConfig;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PacketCpuChoice;
import io.fulcrum.core.config.PassiveHealthConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.QueueConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.RouteMatch;
import io.fulcrum.core.config.ServerSettings;
import io.fulcrum.core.config.StickinessConfig;
import io.fulcrum.core.config.TimeoutsConfig;
import io.fulcrum.core.config.TlsConfig;
import io.fulcrum.core.config.TlsSessionConfig;
import io.fulcrum.core.config.store.StoreType;

import java.net.Inet6Address;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The semantic rules of a configuration: everything that is well-typed but still
 * wrong (a route to a pool that does not exist, a port out of range, an unknown
 * algorithm...), plus warnings for things that are allowed but probably not meant
 * (a pool no route uses, a route that can never match).
 *
 * <p>{@link ConfigLoader} runs these rules on every file it reads, with line numbers.
 * Call {@link #validate(FulcrumConfig)} directly for a configuration built in code
 * (for example one changed through the admin API); its errors then have no line.
 */
public final class ConfigValidator {

    /** The proxy tier's name for the operator's scale commands, which no pool may take (ProxyTierScaler.SUBJECT). */
    static final String RESERVED_POOL_NAME = "proxy-tier";

    /** Most event-loop threads accepted. */
    public static final int MAX_EVENT_LOOP_THREADS = 256;
    /** Most idle spin polls accepted (each is a non-blocking {@code epoll_wait}, under a microsecond). */
    public static final int MAX_IDLE_SPIN_POLLS = 10000;
    /** Most retry attempts accepted. */
    public static final int MAX_RETRY_ATTEMPTS = 10;

    static final Set<String> PROTOCOLS = Set.of("http");
    static final Set<String> STICKINESS_MODES = Set.of("source", "cookie");
    static final Set<String> BACKEND_STATES = Set.of("up", "down", "draining", "disabled", "backup");
    static final Set<String> LOG_FORMATS = Set.of("text", "json");
    /** Socket I/O choices for the HTTP proxy ({@code server.transport}). */
    static final Set<String> TRANSPORTS = Set.of("auto", "epoll", "io_uring", "nio");
    static final Set<String> TLS_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
    static final Set<String> ALPN_PROTOCOLS = Set.of("http/1.1", "h2");

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");

    /**
     * What validation found.
     *
     * @param errors   problems that make the configuration unusable
     * @param warnings things that are allowed but probably not intended
     */
    public record Result(List<ConfigError> errors, List<ConfigError> warnings) {

        public Result {
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
        }

        /** Whether there are no errors. */
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    private ConfigValidator() {
    }

    /** Checks a configuration built in code; errors and warnings carry paths but no lines. */
    public static Result validate(FulcrumConfig config) {
        return validate(config, SourceMap.EMPTY);
    }

    static Result validate(FulcrumConfig config, SourceMap sources) {
        Run run = new Run(sources);
        run.check(config);
        Comparator<ConfigError> order = ConfigLoader.FILE_ORDER;
        List<ConfigError> errors = new ArrayList<>(run.errors);
        List<ConfigError> warnings = new ArrayList<>(run.warnings);
        errors.sort(order);
        warnings.sort(order);
        return new Result(errors, warnings);
    }

    /** One pass over one configuration. */
    private static final class Run {
        private final SourceMap sources;
        final List<ConfigError> errors = new ArrayList<>();
        final List<ConfigError> warnings = new ArrayList<>();

        Run(SourceMap sources) {
            this.sources = sources;
        }

        /**
         * Whether the configuration is this file itself (the {@code file} store), so that it must
         * bring the traffic's part. A written store section that could not be bound (an unknown
         * store, already reported there) is not taken for the file.
         */
        private boolean readsItsOwnFile(FulcrumConfig c) {
            return StoreType.FILE.equals(c.store().name())
                    && (!sources.has("store") || sources.has(SourceMap.field("store", StoreType.FILE)));
        }

        void check(FulcrumConfig c) {
            checkServer(c.server(), "server");
            checkAccessLog(c.accessLog(), "accessLog");
            AdminConfigValidator.check(c.admin(), "admin", this::error, this::warn);
            StoreConfigValidator.check(c.store(), "store", this::error);

            Set<String> poolNames = new HashSet<>();
            boolean unnamedPools = false;
            for (PoolConfig pool : c.pools()) {
                if (isBlank(pool.name())) {
                    unnamedPools = true;
                } else {
                    poolNames.add(pool.name());
                }
            }

            Set<String> usedPools = new HashSet<>(L4ConfigValidator.poolsUsed(c));
            if (c.listeners().isEmpty() && c.virtualServices().isEmpty() && !c.dns().enabled()
                    && readsItsOwnFile(c)) {
                // A node may be only a DNS server (a GSLB tier); otherwise it must accept some traffic.
                // With a store, the file is only the bootstrap: the traffic's part comes from the store.
                error("listeners", "at least one listener is required (or a virtual service, or dns.listen)");
            }
            Map<String, String> listenerPaths = new HashMap<>();
            List<Bind> binds = new ArrayList<>();
            for (int i = 0; i < c.listeners().size(); i++) {
                String p = SourceMap.index("listeners", i);
                ListenerConfig l = c.listeners().get(i);
                String namePath = SourceMap.field(p, "name");
                if (isBlank(l.name())) {
                    error(namePath, "required: every listener needs a name");
                } else if (listenerPaths.containsKey(l.name())) {
                    error(namePath, "duplicate listener name \"" + l.name() + "\"" + also(listenerPaths.get(l.name())));
                } else {
                    listenerPaths.put(l.name(), namePath);
                }
                // With an unnamed pool (itself an error), a reference to an unknown name may be meant for it.
                checkListener(l, p, poolNames, usedPools, binds, unnamedPools);
            }

            if (c.pools().isEmpty() && !c.listeners().isEmpty()) {
                error("pools", "at least one pool is required (routes send requests to pools)");
            }
            Map<String, String> poolPaths = new HashMap<>();
            for (int i = 0; i < c.pools().size(); i++) {
                String p = SourceMap.index("pools", i);
                PoolConfig pool = c.pools().get(i);
                String namePath = SourceMap.field(p, "name");
                if (isBlank(pool.name())) {
                    error(namePath, "required: every pool needs a name");
                } else if (poolPaths.containsKey(pool.name())) {
                    error(namePath, "duplicate pool name \"" + pool.name() + "\"" + also(poolPaths.get(pool.name())));
                } else if (pool.name().equals(RESERVED_POOL_NAME)) {
                    // The operator pauses and sets the proxy tier by this name (admin API, fulcrum ctl scale),
                    // and the cluster keeps its settings under it (<prefix>/scale/operator/proxy-tier).
                    error(namePath, "\"" + RESERVED_POOL_NAME + "\" is reserved for the cluster's proxy tier "
                            + "(fulcrum ctl scale pause|resume|set proxy-tier): name the pool otherwise");
                } else {
                    poolPaths.put(pool.name(), namePath);
                    if (!usedPools.contains(pool.name())) {
                        warn(namePath, "pool \"" + pool.name() + "\" is not used by any route");
                    }
                }
                checkPool(pool, p);
            }
            Http2Validator.check(c, this::error, this::warn);
            L4ConfigValidator.check(c, new L4ConfigValidator.Sink() {
                public void error(String path, String message) { Run.this.error(path, message); }
                public void warn(String path, String message) { Run.this.warn(path, message); }
                public void checkTls(TlsConfig tls, String path) { Run.this.checkTls(tls, path); }
            });
            SitesValidator.check(c, this::error);
            GslbConfigValidator.check(c, this::error);
            ClusterConfigValidator.check(c, this::error);
            DnsConfigValidator.check(c, this::error, this::warn);
        }

        private void checkServer(ServerSettings s, String p) {
            range(SourceMap.field(p, "eventLoopThreads"), s.eventLoopThreads(), 0, MAX_EVENT_LOOP_THREADS,
                    "; 0 means one per core");
            notBlank(SourceMap.field(p, "site"), s.site());
            notBlank(SourceMap.field(p, "host"), s.host());
            nonNegative(SourceMap.field(p, "shutdownGrace"), s.shutdownGrace());
            positive(SourceMap.field(p, "stickyPurgeInterval"), s.stickyPurgeInterval());
            oneOf(SourceMap.field(p, "transport"), s.transport(), TRANSPORTS);
            range(SourceMap.field(p, "idleSpinPolls"), s.idleSpinPolls(), 0, MAX_IDLE_SPIN_POLLS,
                    "; 0 sleeps at once");
            if (s.packetCpu() != null) {
                try {
                    PacketCpuChoice.parse(s.packetCpu());
                } catch (IllegalArgumentException e) {
                    error(SourceMap.field(p, "packetCpu"), e.getMessage());
                }
            }
        }

        private void checkAccessLog(AccessLogConfig a, String p) {
            oneOf(SourceMap.field(p, "format"), a.format(), LOG_FORMATS);
            if (isBlank(a.path())) {
                error(SourceMap.field(p, "path"), "must not be empty: write stdout or a file path");
            }
            LoggingConfigValidator.checkAccessLog(a, p, this::error);
        }

        private void checkListener(ListenerConfig l, String p, Set<String> pools, Set<String> usedPools,
                                   List<Bind> binds, boolean unnamedPools) {
            String bindPath = SourceMap.field(p, "bind");
            if (l.bind() == null) {
                error(bindPath, "required: the host:port to listen on, e.g. 0.0.0.0:8080");
            } else {
                HostPort hp = l.bind();
                if (hp.port() == 0) {
                    // Two listeners on "any free port" would be one address to every rule below.
                    error(bindPath, "the port must be between 1 and 65535 (got 0)");
                }
                Bind mine = new Bind(hp, bindPath);
                for (Bind other : binds) {
                    if (other.hp.port() == hp.port()) {
                        if (other.hp.hostKey().equals(hp.hostKey())) {
                            error(bindPath, "same address as " + other.path + " (" + other.hp + ")"
                                    + lineOf(other.path) + "; two listeners cannot share an address");
                        } else if (other.hp.wildcard() || hp.wildcard()) {
                            error(bindPath, "conflicts with " + other.path + " (" + other.hp + ")"
                                    + lineOf(other.path) + ": a wildcard address takes port " + hp.port()
                                    + " on every interface");
                        }
                    }
                }
                binds.add(mine);
            }
            if (!PROTOCOLS.contains(l.protocol())) {
                error(SourceMap.field(p, "protocol"), "unsupported protocol \"" + l.protocol()
                        + "\"; supported: " + String.join(", ", new TreeSet<>(PROTOCOLS)));
            }
            checkTimeouts(l.timeouts(), SourceMap.field(p, "timeouts"));
            checkLimits(l.limits(), SourceMap.field(p, "limits"));
            if (l.tls() != null) {
                checkTls(l.tls(), SourceMap.field(p, "tls"));
            }
            checkConnect(l.connect(), SourceMap.field(p, "connect"));
            LoggingConfigValidator.checkListener(l, p, this::error);

            String routesPath = SourceMap.field(p, "routes");
            if (l.routes().isEmpty()) {
                warn(routesPath, "listener has no routes: every request gets 404");
            }
            Map<String, String> routeNames = new HashMap<>();
            String catchAll = null;
            for (int j = 0; j < l.routes().size(); j++) {
                RouteConfig r = l.routes().get(j);
                String rp = SourceMap.index(routesPath, j);
                String namePath = SourceMap.field(rp, "name");
                if (isBlank(r.name())) {
                    error(namePath, "required: every route needs a name (unique within its listener)");
                } else if (routeNames.containsKey(r.name())) {
                    error(namePath, "duplicate route name \"" + r.name() + "\" in this listener"
                            + also(routeNames.get(r.name())));
                } else {
                    routeNames.put(r.name(), namePath);
                }
                String poolPath = SourceMap.field(rp, "pool");
                if (isBlank(r.pool())) {
                    error(poolPath, "required: the name of the pool that serves this route");
                } else if (!pools.contains(r.pool()) && !unnamedPools) {
                    String hint = Suggestions.didYouMean(r.pool(), pools);
                    error(poolPath, "no pool named \"" + r.pool() + "\"" + (hint.isEmpty()
                            ? (pools.isEmpty() ? "" : "; pools: " + String.join(", ", new TreeSet<>(pools)))
                            : hint));
                } else {
                    usedPools.add(r.pool());
                }
                checkMatch(r.match(), SourceMap.field(rp, "match"));
                checkStickiness(r.stickiness(), SourceMap.field(rp, "stickiness"));
                if (catchAll != null) {
                    warn(rp, "this route is never used: " + catchAll + lineOf(catchAll)
                            + " comes first and matches every request");
                } else if (matchesEverything(r.match())) {
                    catchAll = rp;
                }
            }
        }

        /** The CONNECT opt-in: every allowed port a TCP port, named once, and at least one when enabled. */
        private void checkConnect(ConnectConfig c, String p) {
            String portsPath = SourceMap.field(p, "allowedPorts");
            if (c.enabled() && c.allowedPorts().isEmpty()) {
                error(portsPath, "an empty list allows no port, so every CONNECT would get 403; list the ports "
                        + "tunnels may go to, e.g. [443], or set enabled: false");
            }
            Map<Integer, String> seen = new HashMap<>();
            for (int k = 0; k < c.allowedPorts().size(); k++) {
                String pp = SourceMap.index(portsPath, k);
                Integer port = c.allowedPorts().get(k);
                if (port == null) {
                    error(pp, "required: a port number 1-65535");
                    continue;
                }
                range(pp, port, 1, 65535, "");
                String before = seen.putIfAbsent(port, pp);
                if (before != null) {
                    error(pp, "port " + port + " is listed twice" + also(before));
                }
            }
        }

        private void checkTls(TlsConfig t, String p) {
            String certsPath = SourceMap.field(p, "certificates");
            if (t.certificates().isEmpty()) {
                error(certsPath, "at least one certificate is required (the first one is the default)");
            }
            for (int k = 0; k < t.certificates().size(); k++) {
                CertificateConfig c = t.certificates().get(k);
                String cp = SourceMap.index(certsPath, k);
                readableFile(SourceMap.field(cp, "certFile"), c.certFile(), "the PEM certificate chain");
                readableFile(SourceMap.field(cp, "keyFile"), c.keyFile(), "the PEM private key");
            }
            String protocolsPath = SourceMap.field(p, "protocols");
            if (t.protocols().isEmpty()) {
                error(protocolsPath, "at least one TLS version is required; supported: "
                        + String.join(", ", new TreeSet<>(TLS_PROTOCOLS)));
            }
            for (int k = 0; k < t.protocols().size(); k++) {
                oneOf(SourceMap.index(protocolsPath, k), t.protocols().get(k), TLS_PROTOCOLS);
            }
            String alpnPath = SourceMap.field(p, "alpn");
            for (int k = 0; k < t.alpn().size(); k++) {
                oneOf(SourceMap.index(alpnPath, k), t.alpn().get(k), ALPN_PROTOCOLS);
            }
            String sessionsPath = SourceMap.field(p, "sessions");
            TlsSessionConfig s = t.sessions();
            if (s.cacheSize() < 1) {
                error(SourceMap.field(sessionsPath, "cacheSize"), "must be at least 1 (was " + s.cacheSize()
                        + "); to keep no sessions in memory, set cache: false");
            }
            if (s.timeout().compareTo(Duration.ofSeconds(1)) < 0 || s.timeout().compareTo(TlsSessionConfig.MAX_TIMEOUT) > 0) {
                error(SourceMap.field(sessionsPath, "timeout"), "must be between 1s and 7d (RFC 8446 4.6.1), was "
                        + s.timeout());
            }
        }

        private void readableFile(String path, String file, String what) {
            if (isBlank(file)) {
                error(path, "required: the path of " + what);
                return;
            }
            Path f;
            try {
                f = Path.of(file);
            } catch (InvalidPathException e) {
                error(path, "invalid path \"" + file + "\": " + e.getReason());
                return;
            }
            if (!Files.exists(f)) {
                error(path, "no such file: " + file);
            } else if (!Files.isRegularFile(f)) {
                error(path, "not a regular file: " + file);
            } else if (!Files.isReadable(f)) {
                error(path, "file is not readable: " + file);
            }
        }

        private void checkTimeouts(TimeoutsConfig t, String p) {
            nonNegative(SourceMap.field(p, "headerRead"), t.headerRead());
            nonNegative(SourceMap.field(p, "idle"), t.idle());
            nonNegative(SourceMap.field(p, "request"), t.request());
        }

        private void checkLimits(LimitsConfig l, String p) {
            atLeast(SourceMap.field(p, "maxRequestLineBytes"), l.maxRequestLineBytes(), 1);
            atLeast(SourceMap.field(p, "maxHeaderBytes"), l.maxHeaderBytes(), 1);
            atLeast(SourceMap.field(p, "maxBodyBytes"), l.maxBodyBytes(), 0);
            atLeast(SourceMap.field(p, "maxConnections"), l.maxConnections(), 0);
        }

        private void checkMatch(RouteMatch m, String p) {
            for (int k = 0; k < m.hosts().size(); k++) {
                String problem = hostPatternProblem(m.hosts().get(k));
                if (problem != null) {
                    error(SourceMap.index(SourceMap.field(p, "hosts"), k), problem);
                }
            }
            if (m.pathPrefix() != null && !m.pathPrefix().startsWith("/")) {
                error(SourceMap.field(p, "pathPrefix"), "must start with / (got \"" + m.pathPrefix() + "\")");
            }
            if (m.pathRegex() != null) {
                String problem = regexProblem(m.pathRegex());
                if (problem != null) {
                    error(SourceMap.field(p, "pathRegex"), problem);
                }
            }
            for (int k = 0; k < m.methods().size(); k++) {
                String method = m.methods().get(k);
                String mp = SourceMap.index(SourceMap.field(p, "methods"), k);
                if (!TOKEN.matcher(method).matches()) {
                    error(mp, "not a valid HTTP method name (got \"" + method + "\")");
                }
            }
            String headersPath = SourceMap.field(p, "headers");
            for (Map.Entry<String, String> h : new java.util.TreeMap<>(m.headers()).entrySet()) {
                String hp = SourceMap.field(headersPath, h.getKey());
                if (!TOKEN.matcher(h.getKey()).matches()) {
                    error(hp, "not a valid header name (got \"" + h.getKey() + "\")");
                }
                if (h.getValue().startsWith("~")) {
                    String problem = regexProblem(h.getValue().substring(1));
                    if (problem != null) {
                        error(hp, problem);
                    }
                }
            }
        }

        private void checkStickiness(StickinessConfig s, String p) {
            oneOf(SourceMap.field(p, "mode"), s.mode(), STICKINESS_MODES);
            positive(SourceMap.field(p, "timeout"), s.timeout());
            if ("cookie".equals(s.mode()) && !TOKEN.matcher(s.cookieName()).matches()) {
                error(SourceMap.field(p, "cookieName"), "not a valid cookie name (got \"" + s.cookieName() + "\")");
            }
        }

        private void checkPool(PoolConfig pool, String p) {
            ExtensionChecks.checkAlgorithm(SourceMap.field(p, "algorithm"), pool.algorithm(), pool.backends().size(),
                    this::error, this::warn);
            atLeast(SourceMap.field(p, "weightBound"), pool.weightBound(), 1);
            positive(SourceMap.field(p, "connectTimeout"), pool.connectTimeout());
            nonNegative(SourceMap.field(p, "responseTimeout"), pool.responseTimeout());

            String retries = SourceMap.field(p, "retries");
            range(SourceMap.field(retries, "attempts"), pool.retries().attempts(), 0, MAX_RETRY_ATTEMPTS, "");

            QueueConfig q = pool.queue();
            String queue = SourceMap.field(p, "queue");
            atLeast(SourceMap.field(queue, "size"), q.size(), 0);
            nonNegative(SourceMap.field(queue, "timeout"), q.timeout());

            PassiveHealthConfig ph = pool.passiveHealth();
            String health = SourceMap.field(p, "passiveHealth");
            atLeast(SourceMap.field(health, "consecutiveFailures"), ph.consecutiveFailures(), 1);
            boolean ejectOk = positive(SourceMap.field(health, "ejectTime"), ph.ejectTime());
            if (positive(SourceMap.field(health, "maxEjectTime"), ph.maxEjectTime()) && ejectOk
                    && ph.maxEjectTime().compareTo(ph.ejectTime()) < 0) {
                error(SourceMap.field(health, "maxEjectTime"), "must be at least ejectTime ("
                        + ConfigUnits.formatDuration(ph.ejectTime()) + "; got "
                        + ConfigUnits.formatDuration(ph.maxEjectTime()) + ")");
            }

            KeepAliveConfig ka = pool.keepAlive();
            String keepAlive = SourceMap.field(p, "keepAlive");
            atLeast(SourceMap.field(keepAlive, "maxIdlePerBackend"), ka.maxIdlePerBackend(), 0);
            nonNegative(SourceMap.field(keepAlive, "idleTimeout"), ka.idleTimeout());
            HealthConfigValidator.check(pool, p, this::error);
            AutoscaleConfigValidator.check(pool, p, this::error, this::warn);

            String backendsPath = SourceMap.field(p, "backends");
            if (pool.backends().isEmpty()) {
                if (pool.autoscale() == null) { // an autoscaled pool's members may all come from its provisioner
                    error(backendsPath, "at least one backend is required");
                }
                return;
            }
            Map<String, String> names = new HashMap<>();
            boolean allZero = true;
            for (int k = 0; k < pool.backends().size(); k++) {
                BackendConfig b = pool.backends().get(k);
                String bp = SourceMap.index(backendsPath, k);
                checkBackend(b, bp, pool.weightBound(), names);
                allZero &= b.weight() == 0;
            }
            if (allZero) {
                warn(backendsPath, "every backend has weight 0: the pool never picks one (every request gets 503)");
            }
        }

        private void checkBackend(BackendConfig b, String p, int weightBound, Map<String, String> names) {
            String addressPath = SourceMap.field(p, "address");
            if (b.address() == null) {
                error(addressPath, "required: the backend's host:port, e.g. 10.0.0.5:8080");
            }
            if (b.name() != null) {
                boolean named = b.address() == null || !b.name().equals(b.address().toString()) || sources.has(SourceMap.field(p, "name"));
                String namePath = named ? SourceMap.field(p, "name") : addressPath;
                // An unnamed backend is named after its address, which the address rules above cover.
                String problem = named ? Names.backendNameProblem(b.name()) : null;
                if (b.name().isBlank()) {
                    error(namePath, "must not be empty (leave it out to use the address as the name)");
                } else if (problem != null) {
                    error(namePath, problem);
                } else if (names.containsKey(b.name())) {
                    error(namePath, (named ? "duplicate backend name \"" + b.name() + "\""
                            : "duplicate backend address " + b.name() + " (give each a distinct name if this is meant)")
                            + " in this pool" + also(names.get(b.name())));
                } else {
                    names.put(b.name(), namePath);
                }
            }
            String weightPath = SourceMap.field(p, "weight");
            if (b.weight() < 0) {
                error(weightPath, "must be >= 0 (got " + b.weight() + ")");
            } else if (weightBound >= 1 && b.weight() > weightBound) {
                error(weightPath, "must be at most " + weightBound + ", the pool's weightBound (got " + b.weight()
                        + "); lower the weight or raise weightBound");
            }
            atLeast(SourceMap.field(p, "maxConnections"), b.maxConnections(), 0);
            oneOf(SourceMap.field(p, "state"), b.state(), BACKEND_STATES);
            if (b.site() != null) {
                notBlank(SourceMap.field(p, "site"), b.site());
            }
            if (b.host() != null) {
                notBlank(SourceMap.field(p, "host"), b.host());
            }
        }

        // ---- helpers ----------------------------------------------------------------------------

        private void error(String path, String message) {
            Loc l = sources.find(path);
            errors.add(new ConfigError(path, l.line(), l.column(), message));
        }

        private void warn(String path, String message) {
            Loc l = sources.find(path);
            warnings.add(new ConfigError(path, l.line(), l.column(), message));
        }

        /** {@code " (also at listeners[0].name, line 4)"}. */
        private String also(String otherPath) {
            Loc l = sources.find(otherPath);
            return " (also at " + otherPath + (l.line() > 0 ? ", line " + l.line() : "") + ")";
        }

        private String lineOf(String path) {
            Loc l = sources.find(path);
            return l.line() > 0 ? " at line " + l.line() : "";
        }

        private boolean oneOf(String path, String value, Set<String> valid) {
            if (value != null && valid.contains(value)) {
                return true;
            }
            TreeSet<String> sorted = new TreeSet<>(valid);
            error(path, "must be one of " + String.join(", ", sorted) + " (got \"" + value + "\")"
                    + Suggestions.didYouMean(value, sorted));
            return false;
        }

        private void range(String path, long value, long min, long max, String note) {
            if (value < min || value > max) {
                error(path, "must be between " + min + " and " + max + " (got " + value + ")" + note);
            }
        }

        private void atLeast(String path, long value, long min) {
            if (value < min) {
                error(path, "must be >= " + min + " (got " + value + ")");
            }
        }

        private void notBlank(String path, String value) {
            if (value == null || value.isBlank()) {
                error(path, "must not be empty");
            }
        }

        private void nonNegative(String path, Duration d) {
            if (d.isNegative()) {
                error(path, "must not be negative (got " + ConfigUnits.formatDuration(d) + "); 0s turns it off");
            }
        }

        private boolean positive(String path, Duration d) {
            if (d.isNegative() || d.isZero()) {
                error(path, "must be longer than 0 (got " + ConfigUnits.formatDuration(d) + ")");
                return false;
            }
            return true;
        }

        private static boolean isBlank(String s) {
            return s == null || s.isBlank();
        }
    }

    private record Bind(HostPort hp, String path) {
    }

    private static boolean matchesEverything(RouteMatch m) {
        return m.hosts().isEmpty() && m.methods().isEmpty() && m.headers().isEmpty() && m.pathRegex() == null
                && (m.pathPrefix() == null || m.pathPrefix().equals("/"));
    }

    static String regexProblem(String regex) {
        try {
            Pattern.compile(regex);
            return null;
        } catch (PatternSyntaxException e) {
            return "invalid regular expression \"" + regex + "\": " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "");
        }
    }

    /** The problem with a route's host pattern, or {@code null}. */
    static String hostPatternProblem(String pattern) {
        if (pattern.equals("*")) {
            return "\"*\" alone is not a host pattern: leave hosts out to match any host, or write *.example.com";
        }
        String name = pattern.startsWith("*.") ? pattern.substring(2) : pattern;
        if (name.contains("*")) {
            return "invalid host pattern \"" + pattern
                    + "\": a wildcard is only allowed as the whole first label, as in *.example.com";
        }
        if (pattern.startsWith("[") && pattern.endsWith("]")) {
            return isIpv6(pattern.substring(1, pattern.length() - 1)) ? null
                    : "invalid IPv6 address \"" + pattern + "\"";
        }
        if (name.contains(":")) {
            return "invalid host pattern \"" + pattern + "\": write the host name without a port";
        }
        String problem = hostNameProblem(name);
        return problem == null ? null : "invalid host pattern \"" + pattern + "\": " + problem;
    }

    /** The problem with a host name or IPv4 address, or {@code null}. */
    static String hostNameProblem(String host) {
        return HostPort.hostNameProblem(host);
    }

    static boolean isIpv6(String literal) {
        return HostPort.isIpv6(literal);
    }

}
