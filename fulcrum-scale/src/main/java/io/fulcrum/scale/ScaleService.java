package io.fulcrum.scale;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.scale.AutoscaleConfig;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.core.extension.ExtensionConfig;
import io.fulcrum.core.lifecycle.NodeService;
import io.fulcrum.core.provision.Provisioner;
import io.fulcrum.core.provision.ProvisionerFactory;
import io.fulcrum.core.scale.ScaleControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The autoscaler of a node: one {@link PoolScaler} per pool with an {@code autoscale} policy, each with
 * the provisioner its policy names. On a single node it runs itself; the operator reaches it through
 * {@link ScaleControl} (admin API, {@code fulcrum ctl scale}, metrics, dashboard).
 *
 * <p>Threads: one scaler thread owns every pool scaler (ticks every {@value #TICK_MILLIS} ms, takes
 * new configurations, the operator's changes); provisioner calls run on virtual threads. The scaler
 * thread never holds a lock while it puts a membership into service, so a reload that reaches
 * {@link #apply} meanwhile only queues the new configuration.
 */
public final class ScaleService implements NodeService, ScaleControl {

    private static final Logger LOG = LoggerFactory.getLogger(ScaleService.class);

    /** How often drains, healing and due evaluations are looked at. */
    static final long TICK_MILLIS = 250;
    /** How long an operator's call waits for the scaler thread. */
    private static final long CALL_SECONDS = 10;

    private final EventLog events;
    private final RunningPools running;
    private final ScaledMembers members;
    private final LoadSignals signals;
    /** Owned by the scaler thread. */
    private final Map<String, PoolScaler> scalers = new LinkedHashMap<>();
    private volatile List<PoolScaler> view = List.of();
    private ScheduledExecutorService scaler;
    private ExecutorService actions;
    /** Set before start on a cluster member: its scalers wait for {@link #joinFleet}. */
    private volatile boolean fleetExpected;
    /** The cluster, once joined (owned by the scaler thread). */
    private ScaleFleet fleet;
    /** The proxy tier's autoscaler, on a cluster member whose controller runs one, or null. */
    private volatile ProxyTierScaler proxyTier;
    /** Where the operator's settings are kept across restarts, or null. */
    private volatile OperatorSettingsFile operatorFile;
    /** The settings read at start, per pool, taken by each pool's scaler when it is made. */
    private Map<String, OperatorSettings> saved = Map.of();

    /**
     * @param members the overlay the node lays over every configuration it applies (this service adds
     *                and removes its members there, then asks {@code running} to apply again)
     */
    public ScaleService(EventLog events, RunningPools running, ScaledMembers members, LoadSignals signals) {
        this.events = Objects.requireNonNull(events);
        this.running = Objects.requireNonNull(running);
        this.members = Objects.requireNonNull(members);
        this.signals = Objects.requireNonNull(signals);
    }

    @Override
    public String name() {
        return "scale";
    }

    /**
     * Keeps the operator's settings (pause, set size, protected members) in {@code file}, read at start
     * and written after each change, so that they survive a restart of the node. Call before {@link #start}.
     * A node that {@linkplain #expectFleet expects a fleet} keeps them in the fleet's store instead.
     */
    public void keepOperatorSettingsIn(java.nio.file.Path file) {
        this.operatorFile = new OperatorSettingsFile(file);
    }

    /**
     * Says, before {@link #start}, that this node is a cluster member whose fleet joins later
     * ({@link #joinFleet}): until then its scalers do nothing (not even adopt what a provisioner lists,
     * since in a cluster the leader's intent says what runs).
     */
    public void expectFleet() {
        fleetExpected = true;
    }

    /**
     * Puts every scaler in the cluster: from now on only the leader's decide and act, on the load of
     * every node, keeping each pool's intent in {@code fleet}; the others follow the intent.
     */
    public void joinFleet(ScaleFleet fleet) {
        Objects.requireNonNull(fleet);
        ScheduledExecutorService s = scaler;
        if (s != null && !s.isShutdown()) {
            s.execute(() -> {
                this.fleet = fleet;
                scalers.values().forEach(ps -> ps.fleet(fleet));
            });
        }
    }

    /**
     * Shows the proxy tier's autoscaler in {@link #scaleStatus} ({@code proxyTier}) and gives it the operator's
     * changes addressed to {@value ProxyTierScaler#SUBJECT}, the tier's reserved name; null when a reload
     * removed its policy.
     */
    public void showProxyTier(ProxyTierScaler tier) {
        this.proxyTier = tier;
    }

    @Override
    public synchronized void start(FulcrumConfig config) {
        scaler = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("fulcrum-scaler")
                .daemon(true).unstarted(r));
        actions = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fulcrum-provision-", 0).factory());
        OperatorSettingsFile f = operatorFile;
        if (f != null && !fleetExpected) { // in a cluster the fleet's store keeps them (ScaleFleet#readOperator)
            saved = f.read(events);
        }
        apply(config);
        scaler.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Queues the new configuration for the scaler thread (never blocks: a reload may be holding the node). */
    @Override
    public void apply(FulcrumConfig config) {
        ScheduledExecutorService s = scaler;
        if (s != null && !s.isShutdown()) {
            s.execute(() -> follow(config));
        }
    }

    private void follow(FulcrumConfig config) {
        Map<String, PoolConfig> wanted = new LinkedHashMap<>();
        for (PoolConfig pc : config.pools()) {
            if (pc.autoscale() != null) {
                wanted.put(pc.name(), pc);
            }
        }
        boolean removedMembers = false;
        for (String pool : List.copyOf(scalers.keySet())) {
            PoolConfig pc = wanted.get(pool);
            PoolScaler ps = scalers.get(pool);
            if (pc == null || !Objects.equals(pc.autoscale().provisioner(), ps.policy().provisioner())) {
                ps.close();
                scalers.remove(pool);
                removedMembers |= !members.members(pool).isEmpty();
                members.clear(pool);
                events.publish("scale.policy.removed", pool, pc == null ? "no autoscale policy any more: its "
                        + "members leave the pool" : "the provisioner changed: the old one's members leave the pool "
                        + "and the new one's are adopted", Map.of());
            }
        }
        if (removedMembers) {
            try {
                running.reapply();
            } catch (IOException | RuntimeException e) {
                LOG.warn("scale: removing the members of a pool whose policy changed failed: {}", e.toString());
            }
        }
        Instant now = Instant.now();
        for (PoolConfig pc : wanted.values()) {
            PoolScaler ps = scalers.get(pc.name());
            if (ps != null) {
                ps.policy(pc.autoscale());
            } else {
                Provisioner p;
                try {
                    p = create(pc.autoscale().provisioner());
                } catch (RuntimeException e) {
                    events.publish("scale.action.failed", pc.name(), "the provisioner cannot be created: " + e,
                            Map.of());
                    continue;
                }
                ps = new PoolScaler(pc.name(), pc.autoscale(), p, firstGeneration(), events, running,
                        members, signals, actions, scaler);
                scalers.put(pc.name(), ps);
                OperatorSettings before = saved.get(pc.name());
                if (before != null) {
                    ps.restore(before);
                }
                if (fleet != null) {
                    ps.fleet(fleet);
                } else if (fleetExpected) {
                    ps.awaitFleet();
                } else {
                    ps.adopt(now);
                }
            }
            ps.slowStart(pc.health().slowStart());
        }
        view = List.copyOf(scalers.values());
    }

    /**
     * Where a new pool scaler's generations start: a hundred per second since 2025 began, so they grow
     * across restarts of the node (a provisioner never takes a new action for a repeated one) and stay
     * short enough for the member names some provisioners make of them ({@code web-<generation>}).
     */
    static long firstGeneration() {
        return (System.currentTimeMillis() / 1000 - GENERATION_EPOCH_SECONDS) * 100;
    }

    /** 2025-01-01T00:00:00Z. */
    private static final long GENERATION_EPOCH_SECONDS = 1_735_689_600L;

    /** The provisioner {@code config} names, made by its factory from the registry. */
    static Provisioner create(ExtensionConfig<ProvisionerFactory<?>> config) {
        return create(ProvisionerFactory.registry().get(config.name()), config.settings());
    }

    private static <S extends Record> Provisioner create(ProvisionerFactory<S> factory, Record settings) {
        return factory.create(factory.settings(settings));
    }

    private void tick() {
        Instant now = Instant.now();
        long nanos = System.nanoTime();
        for (PoolScaler ps : scalers.values()) {
            try {
                ps.tick(now, nanos);
            } catch (RuntimeException e) {
                LOG.error("scale: the scaler of pool {} failed", ps.pool(), e);
            }
        }
    }

    // ---- ScaleControl --------------------------------------------------------------------------------

    @Override
    public List<PoolSize> sizes() {
        List<PoolSize> out = new ArrayList<>();
        for (PoolScaler ps : view) {
            out.add(new PoolSize(ps.pool(), ps.currentSize(), ps.desiredSize()));
        }
        return out;
    }

    @Override
    public Map<String, Object> scaleStatus() {
        Map<String, Object> pools = new LinkedHashMap<>();
        for (PoolScaler ps : view) {
            pools.put(ps.pool(), ps.status());
        }
        var tier = proxyTier;
        if (tier == null) {
            return Map.of("pools", pools);
        }
        return Map.of("pools", pools, "proxyTier", tier.status());
    }

    @Override
    public Map<String, Object> pause(String pool, String actor) {
        ProxyTierScaler tier = tier(pool);
        return tier != null ? tier.pause(actor) : onScaler(pool, ps -> ps.pause(actor));
    }

    @Override
    public Map<String, Object> resume(String pool, String actor) {
        ProxyTierScaler tier = tier(pool);
        return tier != null ? tier.resume(actor) : onScaler(pool, ps -> ps.resume(actor));
    }

    @Override
    public Map<String, Object> setSize(String pool, int size, String actor) {
        ProxyTierScaler tier = tier(pool);
        return tier != null ? tier.setSize(size, actor) : onScaler(pool, ps -> ps.setSize(size, actor));
    }

    @Override
    public Map<String, Object> protect(String pool, String member, boolean on, String actor) {
        ProxyTierScaler tier = tier(pool);
        return tier != null ? tier.protect(member, on, actor) : onScaler(pool, ps -> ps.protect(member, on, actor));
    }

    /**
     * The proxy tier's scaler when {@code name} is its reserved name ({@value ProxyTierScaler#SUBJECT}) and
     * this node runs one, else null (a pool). The name on a node without the tier's policy is refused.
     */
    private ProxyTierScaler tier(String name) {
        if (!ProxyTierScaler.SUBJECT.equals(name)) {
            return null;
        }
        ProxyTierScaler tier = proxyTier;
        if (tier == null) {
            throw new NoSuchElementException("\"" + name + "\" is the proxy tier, and this node has no "
                    + "cluster.proxyTier.autoscale policy (or no controller)");
        }
        return tier;
    }

    /** Runs an operator's change on the scaler thread, then answers the pool's status after a tick. */
    private Map<String, Object> onScaler(String pool, java.util.function.Consumer<PoolScaler> change) {
        call(() -> {
            PoolScaler ps = scalers.get(pool);
            if (ps == null) {
                throw new NoSuchElementException("pool \"" + pool + "\" has no autoscale policy");
            }
            if (fleetExpected && fleet == null) {
                throw new IllegalStateException("this node has not joined the cluster's controller yet: the "
                        + "operator's settings are kept in the fleet's store, try again in a moment");
            }
            if (fleet != null) {
                ps.changeInFleet(change); // kept in the fleet's store, where the leader and every node follow it
            } else {
                change.accept(ps);
                saveOperatorSettings();
            }
            ps.tick(Instant.now(), System.nanoTime());
            return null;
        });
        return call(() -> scalers.get(pool).status());
    }

    /** Writes every pool's operator settings (on the scaler thread, after a change). */
    private void saveOperatorSettings() {
        OperatorSettingsFile f = operatorFile;
        if (f == null) {
            return;
        }
        Map<String, OperatorSettings> all = new LinkedHashMap<>(saved);
        scalers.forEach((pool, ps) -> all.put(pool, ps.operatorSettings()));
        saved = all;
        f.write(all, events);
    }

    private <T> T call(Callable<T> task) {
        return callOn(scaler, task);
    }

    /** Runs an operator's call on a scaler's thread and waits for it (at most {@value #CALL_SECONDS} s). */
    static <T> T callOn(ExecutorService s, Callable<T> task) {
        if (s == null || s.isShutdown()) {
            throw new IllegalStateException("the scaler is not running");
        }
        try {
            return s.submit(task).get(CALL_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the scaler did not answer within " + CALL_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /**
     * Stops the scaler and closes every pool's provisioner, without waiting for the scaler thread: the
     * node closes its services under its own lock, which a scaler thread applying a membership waits for.
     */
    @Override
    public void close() {
        ScheduledExecutorService s;
        synchronized (this) {
            s = scaler;
            scaler = null;
        }
        if (s == null) {
            return;
        }
        s.shutdownNow();
        for (PoolScaler ps : view) {
            ps.close();
        }
        view = List.of();
        actions.shutdown();
    }
}
