package io.fulcrum.admin;

import io.fulcrum.admin.api.AdminApi;
import io.fulcrum.admin.api.AdminHttpServer;
import io.fulcrum.admin.api.MetricsEndpoint;
import io.fulcrum.admin.auth.TokenAuthenticator;
import io.fulcrum.admin.metrics.LiveStats;
import io.fulcrum.admin.metrics.NodeMetrics;
import io.fulcrum.admin.metrics.ProxyMetrics;
import io.fulcrum.admin.spi.MetricsSource;
import io.fulcrum.admin.state.AdminState;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.config.admin.AdminConfig;
import io.fulcrum.core.lifecycle.NodeService;
import io.fulcrum.proxy.tls.TlsRuntime;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The admin server as a node service: JSON API, event stream, dashboard and
 * {@code /metrics} on the {@code admin.bind} address, and the proxy's metrics recorded
 * through the proxy's exchange observer.
 *
 * <p>It reads the running system through {@link AdminNode}; changes go through
 * {@link AdminState} (the state file; in cluster mode the fleet's store first) and {@link AdminNode#apply}. A reload that changes
 * {@code admin.bind} or {@code admin.tls} re-binds the server; new tokens take effect at
 * once.
 */
public final class AdminService implements NodeService {

    private static final Logger LOG = LoggerFactory.getLogger(AdminService.class);

    /** How long a replaced admin server finishes the requests it is answering. */
    private static final java.time.Duration RETIRE_GRACE = java.time.Duration.ofSeconds(2);

    private final AdminNode node;
    private final AdminState state;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private volatile ProxyMetrics metrics;
    private AdminApi api;
    private volatile TokenAuthenticator auth;
    private volatile AdminConfig config;
    /** The settings the running admin server was bound with ({@code null} while none runs). */
    private AdminConfig bound;
    private AdminHttpServer server;
    private ScheduledExecutorService sampler;
    private EventJsonLog eventJson;

    /**
     * @param node  the running node
     * @param state the operator's changes (the node lays them over every configuration it applies)
     */
    public AdminService(AdminNode node, AdminState state) {
        this.node = Objects.requireNonNull(node, "node");
        this.state = Objects.requireNonNull(state, "state");
    }

    @Override
    public String name() {
        return "admin";
    }

    /**
     * Loads what {@link #start} and {@link #apply} load from the {@code admin} section (token
     * secrets, the TLS certificates) and drops it: binds nothing.
     *
     * @throws InvalidFieldException naming the field that cannot be loaded
     */
    public static void check(FulcrumConfig config) {
        AdminConfig admin = config.admin();
        if (!admin.enabled()) {
            return;
        }
        try {
            TokenAuthenticator.of(admin.tokens());
        } catch (IOException e) {
            throw new InvalidFieldException("admin.tokens", e.getMessage(), e);
        }
        if (admin.tls() != null) {
            try {
                TlsRuntime.compile(admin.tls());
            } catch (InvalidFieldException e) {
                throw e.within("admin.tls");
            }
        }
    }

    @Override
    public synchronized void start(FulcrumConfig config) throws IOException {
        metrics = new ProxyMetrics(node.proxy(), registry);
        NodeMetrics.register(registry, node.proxy(), node::reloader);
        JvmMetrics.builder().register(registry);
        for (NodeService s : node.services()) {
            if (s instanceof MetricsSource source) {
                source.registerMetrics(registry);
            }
        }
        api = new AdminApi(node, state, metrics);
        eventJson = new EventJsonLog(node.events());
        sampler = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("fulcrum-admin-stats")
                .daemon(true).unstarted(r));
        long[] last = {System.currentTimeMillis()};
        sampler.scheduleAtFixedRate(() -> {
            long now = System.currentTimeMillis();
            try {
                metrics.sample(now, now - last[0]);
            } catch (RuntimeException e) {
                LOG.warn("stats sample failed: {}", e.toString());
            }
            last[0] = now;
        }, LiveStats.SAMPLE_MILLIS, LiveStats.SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
        api.pushImportance();
        api.scheduleDeadlines();
        // Cluster mode: another node's change (handed by the fleet's store) goes into service here too.
        state.onReplaced(this::operatorStateReplaced);
        configure(config.admin());
    }

    @Override
    public synchronized void apply(FulcrumConfig config) throws IOException {
        configure(config.admin());
        api.pushImportance();
    }

    private void configure(AdminConfig next) throws IOException {
        // Requests are measured only while someone can read the numbers.
        node.proxy().observeExchanges(next.enabled() ? metrics : null);
        this.auth = TokenAuthenticator.of(next.enabled() ? next.tokens() : java.util.List.of());
        this.config = next;
        AdminConfig was = bound; // what the running server was bound with (null: none runs)
        boolean rebind = was == null ? next.enabled()
                : !next.enabled() || !was.bind().equals(next.bind()) || !Objects.equals(was.tls(), next.tls());
        if (!rebind) {
            return;
        }
        AdminHttpServer old = server;
        if (!next.enabled()) {
            server = null;
            bound = null;
            retire(old);
            return;
        }
        // The new address first: when it cannot be bound the old server keeps answering.
        try {
            server = bindServer(next);
        } catch (IOException e) {
            if (old == null || !samePort(was, next)) {
                throw keeping(e, old, was);
            }
            // Same port (a TLS switch, a move between wildcard and one address): free it, retry.
            old.close();
            old = null;
            try {
                server = bindServer(next);
            } catch (IOException again) {
                server = bindServer(was);
                throw keeping(again, server, was);
            }
        }
        bound = next;
        retire(old);
        LOG.info("admin API and dashboard on {}://{}/", next.tls() != null ? "https" : "http",
                hostPort(server.address()));
    }

    private AdminHttpServer bindServer(AdminConfig c) throws IOException {
        return AdminHttpServer.start(c.bind().host(), c.bind().port(), c.tls(), () -> auth, api, new MetricsEndpoint(registry),
                node.events(), () -> this.config.metricsWithoutToken(),
                () -> new AdminHttpServer.Limits(this.config.maxConnections(), this.config.headerTimeout()));
    }

    private static boolean samePort(AdminConfig a, AdminConfig b) {
        return a != null && a.bind().port() == b.bind().port();
    }

    private static IOException keeping(IOException e, AdminHttpServer kept, AdminConfig prev) {
        return kept == null ? e : new IOException("admin: cannot bind the new address (" + e.getMessage()
                + "); the admin server keeps " + prev.bind(), e);
    }

    /**
     * Closes a replaced admin server a moment later, off this thread: the request that moved
     * it (a reload through this very API) still gets its answer. It stops accepting at once.
     */
    private static void retire(AdminHttpServer old) {
        if (old == null) {
            return;
        }
        old.stopAccepting();
        Thread.ofVirtual().name("fulcrum-admin-retire").start(() -> {
            try {
                Thread.sleep(RETIRE_GRACE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            old.close();
        });
    }

    private void operatorStateReplaced() {
        try {
            node.reapply();
        } catch (IOException | RuntimeException e) {
            LOG.error("the fleet's operator changes could not be applied: {}", e.toString(), e);
        }
        api.scheduleDeadlines();
        api.pushImportance();
    }

    /** Where the admin server listens, or {@code null} when it does not run. */
    public synchronized InetSocketAddress address() {
        return server == null ? null : server.address();
    }

    /** The URL of the dashboard, or {@code null} when the admin server does not run. */
    public synchronized String url() {
        if (server == null) {
            return null;
        }
        return (config.tls() != null ? "https" : "http") + "://" + hostPort(server.address()) + "/";
    }

    /**
     * The weight the operator fixed for this backend, or {@code null} when none is fixed
     * (an adaptive weight manager must leave a fixed weight alone, requirements 2.2 item 6).
     */
    public Integer fixedWeight(String pool, String backend) {
        var o = state.data().backends().get(pool + "/" + backend);
        return o == null ? null : o.weight();
    }

    /**
     * A backend's live numbers (requests/s and latency percentiles over the last seconds) while the
     * admin server records requests, else {@code null}. Read by the autoscaler's {@code p99Latency}.
     */
    public LiveStats.Snapshot liveStats(io.fulcrum.core.backend.Backend b) {
        ProxyMetrics m = metrics;
        if (m == null || config == null || !config.enabled()) {
            return null;
        }
        LiveStats.Snapshot s = m.stats(b).snapshot();
        return s.samples() == 0 ? null : s;
    }

    /** The operator's persisted changes. */
    public AdminState state() {
        return state;
    }

    @Override
    public synchronized void close() {
        if (node.proxy() != null && metrics != null) {
            node.proxy().observeExchanges(null);
        }
        if (sampler != null) {
            sampler.shutdownNow();
        }
        if (api != null) {
            api.close();
        }
        if (eventJson != null) {
            eventJson.close();
        }
        if (server != null) {
            server.close();
            server = null;
            bound = null;
        }
    }

    private static String hostPort(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }
}
