package io.fulcrum.cluster.controller;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.fulcrum.cluster.etcd.EtcdClients;
import io.fulcrum.cluster.election.Leadership;
import io.fulcrum.cluster.stats.NodeStats;
import io.fulcrum.cluster.stats.StatsCodec;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.cluster.ControlledPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The leader's work, every interval while this node leads: read every node's statistics,
 * aggregate them per backend and pool, and for each controlled pool compute the weights (or
 * take the aggregates) and publish them to that pool's key when the threshold function says
 * the change matters, or when this is the first publication of this leader's term. Every write
 * is fenced: a transaction that succeeds only while the leader key still has this node's
 * fencing revision as its create revision.
 *
 * <p>Every node runs one; only the leader's does anything but keep the last aggregates for the
 * admin API.
 */
public final class Controller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

    /** The last aggregates and publication of a pool, for the admin API. */
    public record PoolView(PoolAggregate aggregate, Publication lastPublication) {
    }

    private final Client client;
    private final ControllerKeys keys;
    private final String node;
    private final Leadership leadership;
    private final ByteSequence fenceKey;
    private final Supplier<FulcrumConfig> config;
    private final long timeoutMillis;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("fulcrum-controller").daemon(true).unstarted(r));
    private final Map<String, Publication> published = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Double>> lastLatency = new ConcurrentHashMap<>();
    private volatile Map<String, PoolAggregate> aggregates = Map.of();
    private volatile Map<String, NodeStats> nodes = Map.of();
    private final LongAdder publications = new LongAdder();
    private final LongAdder fencedOut = new LongAdder();

    /**
     * @param client     the etcd client
     * @param keys       the key layout
     * @param node       this node's name
     * @param leadership whether this node leads: the cluster's election, whose leader key's create
     *                   revision fences the writes
     * @param config     the node's current configuration (pools and controller settings)
     * @param requestTimeout how long one etcd call may take
     */
    public Controller(Client client, ControllerKeys keys, String node, Leadership leadership,
                      Supplier<FulcrumConfig> config, java.time.Duration requestTimeout) {
        this.client = client;
        this.keys = keys;
        this.node = node;
        this.leadership = leadership;
        this.fenceKey = ByteSequence.from(leadership.leaderKey(), StandardCharsets.UTF_8);
        this.config = config;
        this.timeoutMillis = requestTimeout.toMillis();
    }

    /** Starts the loop, one round per {@code interval}. */
    public Controller start(java.time.Duration interval) {
        thread.scheduleWithFixedDelay(this::round, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The last aggregates and publication per pool (the aggregates only while leading). */
    public Map<String, PoolView> view() {
        Map<String, PoolView> out = new java.util.TreeMap<>();
        aggregates.forEach((pool, a) -> out.put(pool, new PoolView(a, published.get(pool))));
        published.forEach((pool, p) -> out.putIfAbsent(pool, new PoolView(null, p)));
        return out;
    }

    /**
     * Every node's statistics as the last round read them, by node (empty while this node does not lead):
     * the proxy tier's autoscaler reads its load here.
     */
    public Map<String, NodeStats> nodes() {
        return nodes;
    }

    /** Publications written by this node. */
    public long publications() {
        return publications.sum();
    }

    /** Writes refused because another node leads now. */
    public long fencedOut() {
        return fencedOut.sum();
    }

    /** One round; never throws. */
    void round() {
        if (!leadership.isLeader()) {
            aggregates = Map.of();
            nodes = Map.of();
            return;
        }
        long term = leadership.fencingRevision();
        try {
            var got = client.getKVClient().get(EtcdClients.bytes(keys.statsPrefix()),
                    GetOption.builder().isPrefix(true).build()).get(timeoutMillis, TimeUnit.MILLISECONDS);
            List<NodeStats> read = new ArrayList<>();
            for (KeyValue kv : got.getKvs()) {
                try {
                    read.add(StatsCodec.decode(kv.getValue().getBytes()));
                } catch (IllegalArgumentException bad) {
                    LOG.debug("skipping statistics at {}: {}", kv.getKey(), bad.getMessage());
                }
            }
            Map<String, PoolAggregate> all = StatsAggregator.aggregate(read);
            aggregates = all;
            Map<String, NodeStats> byNode = new LinkedHashMap<>();
            read.forEach(n -> byNode.put(n.node(), n));
            this.nodes = Map.copyOf(byNode);
            FulcrumConfig c = config.get();
            for (ControlledPoolConfig pc : c.controller().pools()) {
                PoolAggregate a = all.get(pc.name());
                PoolConfig pool = c.pool(pc.name());
                if (a != null && pool != null) {
                    consider(pc, pool, a, term);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("controller round failed: {}", e.toString());
        }
    }

    private void consider(ControlledPoolConfig pc, PoolConfig pool, PoolAggregate a, long term) throws Exception {
        Publication previous = published.get(pc.name());
        if (previous == null || previous.fencingRevision() != term) {
            previous = read(pc.name()); // what the previous leader left, to go on from its weights
        }
        Map<String, Integer> weights = null;
        if (!pc.nodesCompute()) {
            Map<String, Integer> current = new LinkedHashMap<>();
            for (BackendConfig b : pool.backends()) {
                String name = b.name();
                Integer was = previous != null && previous.weights() != null ? previous.weights().get(name) : null;
                current.put(name, was != null ? was : b.weight());
            }
            weights = WeightPolicy.compute(pc, a, current,
                    lastLatency.computeIfAbsent(pc.name(), k -> new ConcurrentHashMap<>()));
            if (weights == null) {
                return;
            }
        }
        boolean newTerm = previous == null || previous.fencingRevision() != term;
        if (!newTerm && !WeightPolicy.matters(pc, previous, weights, a)) {
            return;
        }
        long now = System.currentTimeMillis();
        Publication p = new Publication(pc.name(), pc.mode(), node, term, now, now + pc.validFrom().toMillis(),
                weights, a);
        TxnResponse r = client.getKVClient().txn()
                .If(new Cmp(fenceKey, Cmp.Op.EQUAL, CmpTarget.createRevision(term)))
                .Then(Op.put(EtcdClients.bytes(keys.pool(pc.name())), ByteSequence.from(p.toJson()), PutOption.DEFAULT))
                .commit().get(timeoutMillis, TimeUnit.MILLISECONDS);
        if (r.isSucceeded()) {
            published.put(pc.name(), p);
            publications.increment();
            LOG.info("published {} for pool {}{}", pc.mode(), pc.name(), weights == null ? "" : ": " + weights);
        } else {
            fencedOut.increment();
            LOG.warn("publication for pool {} refused: another node leads now", pc.name());
        }
    }

    private Publication read(String pool) throws Exception {
        var got = client.getKVClient().get(EtcdClients.bytes(keys.pool(pool))).get(timeoutMillis, TimeUnit.MILLISECONDS);
        if (got.getKvs().isEmpty()) {
            return null;
        }
        try {
            return Publication.fromJson(got.getKvs().getFirst().getValue().getBytes());
        } catch (IllegalArgumentException bad) {
            return null;
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
