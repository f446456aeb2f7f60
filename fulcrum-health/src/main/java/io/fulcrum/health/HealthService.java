package io.fulcrum.health;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendListener;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.backend.WeightOrigin;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.core.lifecycle.NodeService;
import io.fulcrum.health.agent.AgentClient;
import io.fulcrum.proxy.ProxyServer;
import io.fulcrum.proxy.runtime.PoolRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The monitor and manager roles of a node (requirements 2.1 items 6-8, 2.2 items 5-6, 2.3
 * items 3 and 6): runs every pool's active checks, polls host agents, recomputes
 * adaptive weights, applies time-window rules, weight schedules and slow start, and
 * reports each change of a backend's administrative state (an operator's drain or failure
 * comes through the admin API as configuration, laid over the file). Every change lands on the live
 * {@link Backend} objects (so the balancers rebuild lazily) and in the node's
 * {@link EventLog}.
 *
 * <p>Threads: one scheduler thread for timing and the 100 ms tick, virtual threads
 * for the blocking checks and agent polls. Nothing runs on the proxy's event loops.
 */
public final class HealthService implements NodeService, HealthContext {

    private static final Logger LOG = LoggerFactory.getLogger(HealthService.class);

    /** How often effective weights, rules, schedules and agent staleness are re-evaluated. */
    private static final Duration TICK = Duration.ofMillis(100);

    private final ProxyServer proxy;
    private final EventLog events;
    /** The wall clock of time-window rules and weight schedules. */
    private final Clock clock = Clock.systemUTC();
    private final Map<String, PoolMonitor> monitors = new ConcurrentHashMap<>();
    private final Set<Backend> watched = ConcurrentHashMap.newKeySet();
    /** Operator overrides of metric importance by pool (the admin API's {@code importance} change). */
    private final Map<String, Map<String, Double>> importance = new ConcurrentHashMap<>();
    private volatile java.util.function.BiPredicate<String, String> operatorFixed = (pool, backend) -> false;
    private final Map<Backend, BackendState> lastAdminState = new ConcurrentHashMap<>();
    private final BackendListener listener = new BackendListener() {
        @Override
        public void backendChanged(Backend backend) {
        }

        @Override
        public void backendEjected(Backend backend, String reason) {
            if (monitors.containsKey(backend.pool())) {
                return; // a pool with health settings reports its ejections itself (PoolMonitor)
            }
            long forMillis = Math.max(0, TimeUnit.NANOSECONDS.toMillis(backend.ejectedUntilNanos() - System.nanoTime()));
            events.publish("backend.ejected", key(backend), "passive health: " + reason,
                    Map.of("forMillis", Long.toString(forMillis)));
        }

        @Override
        public void backendDrained(Backend backend) {
            events.publish("backend.drained", backend.pool() + "/" + backend.name(),
                    "draining backend is empty: no sticky sessions and no requests left; it can be shut down", Map.of());
        }
    };
    private ScheduledExecutorService scheduler;
    private ExecutorService workers;
    private AgentClient agents;

    /** A service for this proxy, publishing to {@code events}. */
    public HealthService(ProxyServer proxy, EventLog events) {
        this.proxy = proxy;
        this.events = events;
    }

    @Override
    public String name() {
        return "health";
    }

    /**
     * Compiles the health settings of every pool as {@link #apply} does (time-window rules, weight
     * schedules, agent token files) and drops them: starts no check.
     *
     * @throws InvalidFieldException naming the pool's {@code health} section that does not compile
     */
    public static void check(FulcrumConfig config) {
        for (int i = 0; i < config.pools().size(); i++) {
            PoolConfig pc = config.pools().get(i);
            if (!pc.health().active()) {
                continue;
            }
            String path = "pools[" + i + "].health";
            try {
                PoolMonitor.compile(pc.health());
            } catch (IOException e) { // the one file it reads
                throw new InvalidFieldException(path + ".agent.tokenFile", "cannot read "
                        + pc.health().agent().tokenFile() + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new InvalidFieldException(path, String.valueOf(e.getMessage()), e);
            }
        }
    }

    @Override
    public synchronized void start(FulcrumConfig config) throws IOException {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("fulcrum-health")
                .daemon(true).unstarted(r));
        workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fulcrum-check-", 0).factory());
        agents = new AgentClient();
        apply(config);
        scheduler.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void apply(FulcrumConfig config) throws IOException {
        var runtime = proxy.runtime();
        for (PoolConfig pc : config.pools()) {
            PoolRuntime pr = runtime.pools().get(pc.name());
            if (pr == null) {
                continue;
            }
            for (Backend b : pr.backends()) {
                watch(b);
                reportAdminChange(b);
            }
            if (pc.health().active()) {
                PoolMonitor m = monitors.computeIfAbsent(pc.name(), n -> new PoolMonitor(n, this));
                m.apply(pc, pr.backends());
            } else {
                PoolMonitor m = monitors.remove(pc.name());
                if (m != null) {
                    m.close();
                }
            }
        }
        for (String name : Set.copyOf(monitors.keySet())) {
            if (config.pool(name) == null) {
                monitors.remove(name).close();
            }
        }
        tick();
    }

    private void watch(Backend b) {
        if (watched.add(b)) {
            b.addListener(listener);
            lastAdminState.put(b, b.adminState());
        }
    }

    /** Publishes an event when the configuration (or an operator) changed a backend's administrative state. */
    private void reportAdminChange(Backend b) {
        BackendState now = b.adminState();
        BackendState before = lastAdminState.put(b, now);
        if (before != null && before != now) {
            events.publish("backend." + now.name().toLowerCase(java.util.Locale.ROOT), key(b),
                    "administrative state " + before.name().toLowerCase(java.util.Locale.ROOT) + " -> "
                            + now.name().toLowerCase(java.util.Locale.ROOT), Map.of());
            if (now == BackendState.DOWN) {
                purgeSessions();
            }
        }
    }

    private void tick() {
        long now = System.nanoTime();
        Instant wall = clock.instant();
        for (PoolMonitor m : monitors.values()) {
            try {
                m.tick(now, wall);
            } catch (RuntimeException e) {
                LOG.warn("health tick failed: {}", e.toString(), e);
            }
        }
    }

    // ---- HealthContext -----------------------------------------------------------------------------------------

    @Override
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    @Override
    public ExecutorService workers() {
        return workers;
    }

    @Override
    public EventLog events() {
        return events;
    }

    @Override
    public AgentClient agents() {
        return agents;
    }

    @Override
    public void purgeSessions() {
        proxy.runSessionMaintenance();
    }

    @Override
    public void release(Backend b) {
        if (!b.healthy()) {
            b.setHealthy(true, "no longer monitored");
        }
        if (b.weightOrigin() != WeightOrigin.CONFIGURED && b.weightOrigin() != WeightOrigin.OPERATOR) {
            b.setWeight(b.configuredWeight(), WeightOrigin.CONFIGURED, "configured weight");
        }
    }

    private static String key(Backend b) {
        return b.pool() + "/" + b.name();
    }

    /**
     * Tells the adaptive loop which backends an operator gave a fixed weight (through the
     * admin API): their weight is left as it is, as for {@code adaptiveWeights.fixed}.
     */
    public void operatorFixedWeights(java.util.function.BiPredicate<String, String> fixed) {
        operatorFixed = fixed == null ? (pool, backend) -> false : fixed;
    }

    /**
     * The operator's importance of each metric class ({@code input}, {@code host},
     * {@code service}) for a pool, replacing the configured values in the next rounds; an
     * empty map goes back to the configuration.
     */
    public void metricImportance(String pool, Map<String, Double> values) {
        if (values == null || values.isEmpty()) {
            importance.remove(pool);
        } else {
            importance.put(pool, Map.copyOf(values));
        }
    }

    @Override
    public boolean operatorFixed(String pool, String backend) {
        return operatorFixed.test(pool, backend);
    }

    @Override
    public Map<String, Double> importanceOverride(String pool) {
        return importance.get(pool);
    }

    /**
     * The latest report of the host agent of a backend whose pool polls agents ({@code health.agent}),
     * while reports are fresh; {@code null} otherwise. Read by the autoscaler's {@code hostCpu}.
     */
    public io.fulcrum.health.agent.AgentReport agentReport(Backend b) {
        PoolMonitor m = monitors.get(b.pool());
        return m == null ? null : m.agentReport(b);
    }

    @Override
    public synchronized void close() {
        for (PoolMonitor m : monitors.values()) {
            m.close();
        }
        monitors.clear();
        for (Backend b : watched) {
            b.removeListener(listener);
        }
        watched.clear();
        if (scheduler != null) {
            scheduler.shutdownNow();
            workers.shutdownNow();
            agents.close();
        }
    }
}
