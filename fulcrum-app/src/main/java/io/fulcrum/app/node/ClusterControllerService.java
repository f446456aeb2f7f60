package io.fulcrum.app.node;

import io.etcd.jetcd.Client;
import io.fulcrum.admin.spi.AdminReadable;
import io.fulcrum.admin.spi.MetricsSource;
import io.fulcrum.cluster.controller.Controller;
import io.fulcrum.cluster.controller.ControllerKeys;
import io.fulcrum.cluster.controller.FencedRecords;
import io.fulcrum.cluster.controller.Publication;
import io.fulcrum.cluster.controller.PublishedWeights;
import io.fulcrum.cluster.election.Leadership;
import io.fulcrum.cluster.stats.StatsCollector;
import io.fulcrum.cluster.stats.StatsPublisher;
import io.fulcrum.cluster.stats.TrafficRecorder;
import io.fulcrum.cluster.sticky.StickyPeers;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.cluster.ControllerConfig;
import io.fulcrum.core.config.store.EtcdStoreConfig;
import io.fulcrum.core.lifecycle.NodeService;
import io.fulcrum.core.config.scale.ProxyTierAutoscaleConfig;
import io.fulcrum.proxy.ProxyServer;
import io.fulcrum.scale.ProxyTierScaler;
import io.fulcrum.proxy.runtime.PoolRuntime;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Wires the cluster controller (statistics publication, leader aggregation, published weights)
 * and the sticky peers into a node. The controller runs on the cluster member's etcd client and
 * leads when the member's election makes this node leader ({@link ClusterNode} adds this service
 * and starts before it). Off unless {@code controller.enabled} or {@code stickyPeers.listen}
 * is set; the settings of both are read at start (a change needs a restart), except the pools the
 * controller drives, the listed sticky peers and the proxy tier's policy, which follow every reload. On a cluster member the
 * sticky peers are also the live proxy members (found through membership), and the member
 * registers where its peers listen. With the controller, the autoscaler joins the fleet: the leader
 * runs it on every node's load ({@link FleetScale}).
 */
final class ClusterControllerService implements NodeService, AdminReadable, MetricsSource {

    private final ProxyServer proxy;
    private final ClusterNode cluster;
    /** The autoscaler: the controller's leader runs it for the whole fleet. */
    private final io.fulcrum.scale.ScaleService scale;
    private volatile FulcrumConfig config;
    private String nodeName = "";
    private TrafficRecorder recorder;
    private StatsPublisher publisher;
    private Leadership leadership;
    private Controller controller;
    private PublishedWeights weights;
    private StickyPeers peers;
    private ProxyTierDrainOrder drainOrder;
    private volatile ProxyTierScaler proxyTier;
    /** What a proxy tier's scaler made at a reload is given (set once the controller runs). */
    private FleetView fleet;
    private FleetScale fleetScale;

    ClusterControllerService(ProxyServer proxy, ClusterNode cluster, io.fulcrum.scale.ScaleService scale) {
        this.proxy = proxy;
        this.cluster = cluster;
        this.scale = scale;
    }

    @Override
    public String name() {
        return "cluster-controller";
    }

    @Override
    public synchronized void start(FulcrumConfig c) throws IOException {
        this.config = c;
        ControllerConfig ctl = c.controller();
        if (ctl.enabled()) {
            // The validator makes controller.enabled need a cluster section, so the member runs.
            EtcdStoreConfig etcd = cluster.etcd();
            Client client = cluster.client();
            nodeName = cluster.nodeId();
            leadership = cluster.leadership().orElseThrow();
            ControllerKeys keys = new ControllerKeys(etcd.prefix());
            recorder = new TrafficRecorder(proxy.exchangeObserver());
            proxy.observeExchanges(recorder);
            StatsCollector collector = new StatsCollector(nodeName, proxy::runtime, recorder, proxy::clientConnections);
            publisher = new StatsPublisher(client, keys.stats(nodeName), collector::collect, ctl.interval(),
                    ctl.leaseTtl(), etcd.requestTimeout()).start();
            controller = new Controller(client, keys, nodeName, leadership, () -> config, etcd.requestTimeout())
                    .start(ctl.interval());
            weights = new PublishedWeights(client, keys, pool -> {
                PoolRuntime p = proxy.runtime().pools().get(pool);
                return p == null ? List.of() : p.backends();
            }, etcd.requestTimeout());
            weights.follow(c);
            fleet = new FleetView(leadership, controller, new FencedRecords(client, leadership,
                    etcd.requestTimeout()), keys);
            fleetScale = new FleetScale(fleet);
            scale.joinFleet(fleetScale);
            // Every node follows the proxy tier's intent (a node it started drains when named); the leader
            // of a node with the policy decides.
            drainOrder = new ProxyTierDrainOrder(nodeName, fleet, cluster::drainForScaleIn).start();
            var tierPolicy = c.cluster().proxyTier().autoscale();
            if (tierPolicy != null) {
                startProxyTier(tierPolicy);
            }
        }
        if (c.stickyPeers().enabled()) {
            Supplier<List<InetSocketAddress>> members = cluster.stickyPeers();
            peers = new StickyPeers(proxy::runtime, c.stickyPeers().listen().socketAddress(), () -> {
                // The listed peers (a node without a cluster has only these), and the live proxy members.
                Set<InetSocketAddress> all = new LinkedHashSet<>();
                config.stickyPeers().peers().forEach(p -> all.add(p.socketAddress()));
                all.addAll(members.get());
                return List.copyOf(all);
            }).start();
            cluster.servesStickyPeersOn(peers.boundAddress());
        }
    }

    @Override
    public synchronized void apply(FulcrumConfig c) {
        this.config = c;
        if (recorder != null && proxy.exchangeObserver() != recorder) {
            // The admin service set its observer again (it does on every reload): stay in front of it.
            recorder.next(proxy.exchangeObserver());
            proxy.observeExchanges(recorder);
        }
        if (weights != null) {
            weights.follow(c);
        }
        if (peers != null) {
            peers.hookTables();
        }
        followProxyTierPolicy(c.cluster().proxyTier().autoscale());
    }

    private void startProxyTier(ProxyTierAutoscaleConfig policy) {
        proxyTier = ProxyTierScaler.create(policy, new FleetProxyTier(fleet, cluster.membership(), fleetScale),
                cluster.events()).start();
        scale.showProxyTier(proxyTier);
    }

    /**
     * A reload's {@code cluster.proxyTier.autoscale}: a changed policy with the same provisioner is taken by
     * the running scaler (history, intent, cooldown stay, as a pool's); a changed provisioner, an added or a
     * removed policy ends the running scaler (what runs stays, and so does the intent in the fleet's store)
     * and starts one with the new policy, which reads the intent again.
     */
    private void followProxyTierPolicy(ProxyTierAutoscaleConfig next) {
        ProxyTierScaler running = proxyTier;
        if (controller == null || (running == null && next == null)) {
            return; // without the controller the validator refuses a policy (controller.enabled needs a restart)
        }
        if (running != null && next != null && Objects.equals(running.config().provisioner(), next.provisioner())) {
            running.policy(next);
            return;
        }
        if (running != null) {
            running.close();
            proxyTier = null;
            scale.showProxyTier(null);
            cluster.events().publish("scale.policy.removed", ProxyTierScaler.SUBJECT, next == null
                    ? "no cluster.proxyTier.autoscale policy any more: this node's tier scaler stops (the nodes it "
                    + "started run on; a leader with the policy follows the intent)"
                    : "the provisioner changed: the tier scaler starts again with it and reads the intent", Map.of());
        }
        if (next != null) {
            startProxyTier(next);
        }
    }

    @Override
    public String adminPath() {
        return "cluster/stats";
    }

    @Override
    public Object adminSnapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", controller != null);
        if (controller != null) {
            out.put("node", nodeName);
            out.put("leader", leadership.leader().map(Leadership.Leader::nodeId).orElse(null));
            out.put("isLeader", leadership.isLeader());
            out.put("fencingRevision", leadership.fencingRevision());
            out.put("statsPublications", publisher.publications());
            out.put("statsBytesPublished", publisher.bytesPublished());
            out.put("pools", controller.view());
            out.put("applied", weights.applied());
        }
        if (peers != null) {
            out.put("stickyPeers", peers.linkStates());
            out.put("stickyEntriesReceived", peers.received());
        }
        return out;
    }

    @Override
    public void registerMetrics(PrometheusRegistry registry) {
        // Whether this node leads is fulcrum_cluster_is_leader, from the election (ClusterNode).
        CounterWithCallback.builder().name("fulcrum_cluster_stats_published_bytes")
                .help("Bytes of per-backend statistics this node wrote to etcd.")
                .callback(cb -> cb.call(publisher == null ? 0 : publisher.bytesPublished())).register(registry);
        CounterWithCallback.builder().name("fulcrum_cluster_publications")
                .help("Weight or aggregate publications this node wrote as leader.")
                .callback(cb -> cb.call(controller == null ? 0 : controller.publications())).register(registry);
        GaugeWithCallback.builder().name("fulcrum_cluster_last_publication_timestamp_seconds")
                .help("When the publication last applied here for a pool was made (epoch seconds).")
                .labelNames("pool")
                .callback(cb -> {
                    if (weights != null) {
                        for (Publication p : weights.applied().values()) {
                            cb.call(p.publishedAt() / 1000.0, p.pool());
                        }
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("fulcrum_proxy_tier_current_size")
                .help("Proxy nodes of the cluster up now, as the proxy tier's autoscaler sees them.")
                .callback(cb -> {
                    if (proxyTier != null) {
                        cb.call(proxyTier.currentSize());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("fulcrum_proxy_tier_desired_size")
                .help("The size the proxy tier's autoscaler is bringing the tier to (on its leader).")
                .callback(cb -> {
                    if (proxyTier != null) {
                        cb.call(proxyTier.desiredSize());
                    }
                }).register(registry);
        CounterWithCallback.builder().name("fulcrum_sticky_peer_entries_received")
                .help("Sticky entries taken from peer proxies.")
                .callback(cb -> cb.call(peers == null ? 0 : peers.received())).register(registry);
    }

    @Override
    public synchronized void close() {
        if (proxyTier != null) {
            proxyTier.close();
        }
        if (drainOrder != null) {
            drainOrder.close();
        }
        if (peers != null) {
            peers.close();
        }
        if (weights != null) {
            weights.close();
        }
        if (controller != null) {
            controller.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (recorder != null && proxy.exchangeObserver() == recorder) {
            proxy.observeExchanges(recorder.next());
        }
    }
}
