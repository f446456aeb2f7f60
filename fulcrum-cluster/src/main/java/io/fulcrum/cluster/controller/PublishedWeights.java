package io.fulcrum.cluster.controller;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.fulcrum.cluster.etcd.EtcdClients;
import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.WeightOrigin;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.cluster.ControlledPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A node's side of the controller: it watches the publication key of each controlled pool it
 * serves (and no other), and applies what arrives to its balancer, at the publication's
 * {@code validFrom}: the published weights (mode {@code weights}), or weights it computes itself
 * from the published aggregates with the pool's policy (mode {@code aggregates}). Applied weights
 * have the origin {@link WeightOrigin#CONTROLLER}; a weight an operator fixed, a hold or a slow
 * start is left alone.
 */
public final class PublishedWeights implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PublishedWeights.class);

    private final Client client;
    private final ControllerKeys keys;
    private final Function<String, List<Backend>> poolBackends;
    private final long timeoutMillis;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("fulcrum-published-weights").daemon(true).unstarted(r));
    private final Map<String, Watch.Watcher> watches = new HashMap<>();
    private final Map<String, Publication> applied = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Double>> lastLatency = new ConcurrentHashMap<>();
    private volatile FulcrumConfig config;

    /**
     * @param client       the etcd client
     * @param keys         the key layout
     * @param poolBackends the live backends of a pool by name (empty when this node does not serve it)
     * @param requestTimeout how long one etcd call may take
     */
    public PublishedWeights(Client client, ControllerKeys keys, Function<String, List<Backend>> poolBackends,
                            java.time.Duration requestTimeout) {
        this.client = client;
        this.keys = keys;
        this.poolBackends = poolBackends;
        this.timeoutMillis = requestTimeout.toMillis();
    }

    /** Follows the controlled pools of {@code c} that this node serves (called at start and after each reload). */
    public synchronized void follow(FulcrumConfig c) {
        this.config = c;
        Map<String, Boolean> wanted = new HashMap<>();
        for (ControlledPoolConfig pc : c.controller().pools()) {
            if (c.pool(pc.name()) != null) {
                wanted.put(pc.name(), true);
            }
        }
        watches.entrySet().removeIf(e -> {
            if (!wanted.containsKey(e.getKey())) {
                e.getValue().close();
                applied.remove(e.getKey());
                return true;
            }
            return false;
        });
        for (String pool : wanted.keySet()) {
            if (!watches.containsKey(pool)) {
                watches.put(pool, watch(pool));
            }
        }
    }

    /** The publication last applied per pool. */
    public Map<String, Publication> applied() {
        return Map.copyOf(applied);
    }

    private Watch.Watcher watch(String pool) {
        var key = EtcdClients.bytes(keys.pool(pool));
        long from = 0;
        try {
            // What stands now first (a node started after the publication), then every change after it.
            var got = client.getKVClient().get(key).get(timeoutMillis, TimeUnit.MILLISECONDS);
            from = got.getHeader().getRevision() + 1;
            if (!got.getKvs().isEmpty()) {
                received(pool, got.getKvs().getFirst().getValue().getBytes());
            }
        } catch (Exception e) {
            LOG.warn("reading the publication of pool {}: {} (watching from now)", pool, e.toString());
        }
        WatchOption.Builder opt = WatchOption.builder();
        if (from > 0) {
            opt.withRevision(from);
        }
        return client.getWatchClient().watch(key, opt.build(), Watch.listener(response -> {
            for (WatchEvent ev : response.getEvents()) {
                if (ev.getEventType() == WatchEvent.EventType.PUT) {
                    received(pool, ev.getKeyValue().getValue().getBytes());
                }
            }
        }, error -> LOG.warn("watch of pool {} publications failed: {}", pool, error.toString())));
    }

    private void received(String pool, byte[] data) {
        Publication p;
        try {
            p = Publication.fromJson(data);
        } catch (IllegalArgumentException bad) {
            LOG.warn("ignoring a damaged publication for pool {}: {}", pool, bad.getMessage());
            return;
        }
        long delay = p.validFrom() - System.currentTimeMillis();
        thread.schedule(() -> apply(p), Math.max(0, delay), TimeUnit.MILLISECONDS);
    }

    /** Applies one publication (its {@code validFrom} has come). */
    private void apply(Publication p) {
        try {
            FulcrumConfig c = config;
            ControlledPoolConfig pc = c == null ? null : c.controller().pool(p.pool());
            if (pc == null) {
                return;
            }
            Publication current = applied.get(p.pool());
            if (current != null && current.publishedAt() > p.publishedAt()) {
                return; // a later one was applied already (validFrom delays can reorder)
            }
            List<Backend> backends = poolBackends.apply(p.pool());
            Map<String, Integer> weights = p.weights();
            String reason = "published by the controller on " + p.leader() + " at " + Instant.ofEpochMilli(p.publishedAt());
            if (pc.nodesCompute() || weights == null) {
                if (p.aggregate() == null) {
                    return;
                }
                Map<String, Integer> now = new LinkedHashMap<>();
                for (Backend b : backends) {
                    now.put(b.name(), b.weight() > 0 ? b.weight() : b.configuredWeight());
                }
                weights = WeightPolicy.compute(pc, p.aggregate(), now,
                        lastLatency.computeIfAbsent(p.pool(), k -> new HashMap<>()));
                reason = "computed here from the aggregates published by " + p.leader() + " at "
                        + Instant.ofEpochMilli(p.publishedAt());
                if (weights == null) {
                    return;
                }
            }
            for (Backend b : backends) {
                Integer w = weights.get(b.name());
                WeightOrigin o = b.weightOrigin();
                if (w == null || o == WeightOrigin.OPERATOR || o == WeightOrigin.HOLD || o == WeightOrigin.SLOW_START) {
                    continue;
                }
                b.setWeight(w, WeightOrigin.CONTROLLER, reason);
            }
            applied.put(p.pool(), p);
        } catch (RuntimeException e) {
            LOG.warn("applying the publication for pool {} failed: {}", p.pool(), e.toString());
        }
    }

    @Override
    public synchronized void close() {
        watches.values().forEach(Watch.Watcher::close);
        watches.clear();
        thread.shutdownNow();
    }
}
