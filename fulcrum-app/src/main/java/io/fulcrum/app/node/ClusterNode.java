package io.fulcrum.app.node;

import io.etcd.jetcd.Client;
import io.fulcrum.admin.AdminService;
import io.fulcrum.admin.spi.AdminReadable;
import io.fulcrum.admin.spi.MetricsSource;
import io.fulcrum.app.VersionProvider;
import io.fulcrum.cluster.election.LeaderElection;
import io.fulcrum.cluster.election.Leadership;
import io.fulcrum.cluster.etcd.EtcdClients;
import io.fulcrum.cluster.member.ClusterKeys;
import io.fulcrum.cluster.member.Member;
import io.fulcrum.cluster.member.MemberState;
import io.fulcrum.cluster.member.MemberView;
import io.fulcrum.cluster.member.Membership;
import io.fulcrum.cluster.member.NodeLease;
import io.fulcrum.cluster.member.Registration;
import io.fulcrum.cluster.sticky.MemberPeers;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.cluster.ClusterConfig;
import io.fulcrum.core.config.store.EtcdStoreConfig;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.core.lifecycle.NodeService;
import io.fulcrum.dns.DnsService;
import io.fulcrum.l4.service.L4Service;
import io.fulcrum.proxy.ProxyServer;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * This node as a cluster member, wired into the node: at start (after the proxy, DNS
 * and admin servers are bound, so it can say where it serves) it takes a lease, registers,
 * follows the members and the leader; the DNS server's GSLB answers follow the members; the
 * admin API shows {@code cluster/nodes} and {@code cluster/leader}, {@code /metrics} the
 * members by state and whether this node leads. At close it drains, deregisters and lets
 * go of leadership (its lease is revoked).
 *
 * <p>Without a {@code cluster} section it does nothing. etcd being down never stops the
 * node: everything here retries on its own thread.
 */
final class ClusterNode implements NodeService, AdminReadable, MetricsSource {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

    private final EventLog events;
    private final ProxyServer proxy;
    private final DnsService dns;
    private final L4Service l4;
    private final Supplier<AdminService> admin;
    private final Path configDir;
    private ScheduledExecutorService clock;
    private volatile Client client;
    private volatile EtcdStoreConfig etcd;
    private NodeLease lease;
    private Registration registration;
    private volatile Membership membership;
    private volatile LeaderElection election;
    private volatile ClusterConfig config = ClusterConfig.off();
    /** The configuration registered last (its addresses are re-read when the sticky listener is bound). */
    private volatile FulcrumConfig registered;
    /** When the proxy tier asked this node to drain ({@link System#nanoTime()}), or 0. */
    private long drainingSince;
    /** Where the sticky peers listen, once bound (registered as the {@code sticky} part). */
    private volatile InetSocketAddress stickyListen;

    private ClusterNode(EventLog events, ProxyServer proxy, DnsService dns, L4Service l4, Supplier<AdminService> admin,
                        Path configFile) {
        this.events = events;
        this.proxy = proxy;
        this.dns = dns;
        this.l4 = l4;
        this.admin = admin;
        this.configDir = configFile == null ? null : configFile.toAbsolutePath().getParent();
    }

    /**
     * Adds the cluster parts to the node: the member and its leader view, then the controller and
     * the sticky peers, which run on this member's etcd client and election (last, after the admin
     * service: the member starts after the servers are bound, and the controller chains its
     * statistics recorder before the admin's metrics).
     */
    static ClusterNode addTo(FulcrumNode node, DnsService dns, L4Service l4, Supplier<AdminService> admin,
                             io.fulcrum.scale.ScaleService scale) {
        ClusterNode cluster = new ClusterNode(node.events(), node.proxy(), dns, l4, admin, node.configFile());
        node.add(cluster);
        node.add(new LeaderView(cluster));
        node.add(new ClusterControllerService(node.proxy(), cluster, scale));
        return cluster;
    }

    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public synchronized void start(FulcrumConfig whole) {
        ClusterConfig c = whole.cluster();
        config = c;
        if (!c.enabled()) {
            return;
        }
        registered = whole;
        EtcdStoreConfig etcd = c.etcd() != null ? c.etcd() : EtcdStoreConfig.chosenIn(whole.store());
        this.etcd = etcd;
        client = EtcdClients.create(etcd, configDir);
        clock = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("fulcrum-cluster").daemon()
                .factory());
        ClusterKeys keys = new ClusterKeys(etcd.prefix());
        lease = new NodeLease(client, c.leaseTtl(), etcd.requestTimeout(), clock);
        registration = new Registration(client, keys, lease, self(whole), etcd.requestTimeout());
        membership = new Membership(client, keys, events, clock, etcd.requestTimeout());
        election = new LeaderElection(client, keys.leader(), c.nodeId(), c.has("controller"), lease, events, clock,
                etcd.requestTimeout());
        dns.liveMembers(membership);
        membership.start();
        election.start();
        lease.start();
        LOG.info("cluster: node {} ({}) joining through {} under {}", c.nodeId(), String.join(",", c.roles()),
                etcd.endpoints(), etcd.prefix());
    }

    /**
     * The cluster section is read once, at start (RestartRequired); what a reload can change
     * is where the node serves, which its registration then says.
     */
    @Override
    public synchronized void apply(FulcrumConfig whole) {
        if (clock == null) {
            return;
        }
        registered = whole;
        reregister(whole);
    }

    private void reregister(FulcrumConfig whole) {
        Member now = self(whole);
        try {
            clock.execute(() -> registration.update(now));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("cluster: closing, registration not updated");
        }
    }

    /** This node's registration: identity from the section (site and host default to server's), bound addresses. */
    private Member self(FulcrumConfig whole) {
        ClusterConfig c = whole.cluster();
        Map<String, List<String>> addresses = new LinkedHashMap<>();
        put(addresses, "proxy", proxy.boundAddresses().values(), c.advertise());
        put(addresses, "router", l4.boundAddresses().values(), c.advertise());
        put(addresses, "dns", dns.boundAddresses(), c.advertise());
        AdminService a = admin.get();
        if (a != null && a.address() != null) {
            put(addresses, "admin", List.of(a.address()), c.advertise());
        }
        InetSocketAddress sticky = stickyListen;
        if (sticky != null) {
            put(addresses, MemberPeers.PART, List.of(sticky), c.advertise());
        }
        return new Member(c.nodeId(), c.roles(), c.site() != null ? c.site() : whole.server().site(),
                c.host() != null ? c.host() : whole.server().host(), addresses, c.capacity(), VersionProvider.version(),
                Member.UP, Instant.now());
    }

    private static void put(Map<String, List<String>> into, String part, Collection<InetSocketAddress> bound,
                            String advertise) {
        List<String> list = new ArrayList<>();
        for (InetSocketAddress a : bound) {
            boolean wildcard = a.getAddress() != null && a.getAddress().isAnyLocalAddress();
            String host = wildcard && advertise != null ? advertise : a.getAddress().getHostAddress();
            list.add((host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort());
        }
        if (!list.isEmpty()) {
            into.put(part, List.copyOf(list));
        }
    }

    /**
     * Drains, deregisters (the lease is revoked, and leadership with it), stops watching. Between
     * the two it waits up to {@code cluster.drainTimeout} for the client connections to finish: the
     * node is {@code draining}, so DNS no longer answers with it, and it still serves (the proxy and
     * the router close after this service). The wait is on the closing thread, not the cluster's
     * clock, which keeps the lease alive meanwhile.
     */
    @Override
    public synchronized void close() {
        if (clock == null) {
            return;
        }
        onClock("draining", registration::drain);
        // cluster.drainTimeout counts from when the drain began: a node the proxy tier drained already
        // (and now stops, its connections done or the tier's own drainTimeout passed) waits only the rest.
        long began = drainingSince != 0 ? drainingSince : System.nanoTime();
        java.time.Duration left = config.drainTimeout().minusNanos(System.nanoTime() - began);
        awaitConnectionsFinished(left.isNegative() ? java.time.Duration.ZERO : left);
        onClock("leaving", registration::leave);
        membership.close();
        election.close();
        clock.shutdown();
        try {
            clock.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
        clock = null;
    }

    private void onClock(String step, Runnable action) {
        try {
            clock.submit(action).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("cluster: {} did not finish: {}", step, e.toString());
        }
    }

    /** Waits until this node holds no client connection (proxy and router), or the deadline passes. */
    private void awaitConnectionsFinished(java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int open = openConnections();
        if (open > 0) {
            LOG.info("cluster: draining: waiting up to {} for {} client connection(s) to finish",
                    io.fulcrum.control.config.ConfigUnits.formatDuration(timeout), open);
        }
        while (open > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            open = openConnections();
        }
        if (open > 0) {
            LOG.warn("cluster: drainTimeout passed with {} client connection(s) still open; leaving", open);
        } else {
            LOG.info("cluster: drained: no client connection left");
        }
    }

    private int openConnections() {
        long routed = 0;
        for (var c : l4.backendCounters()) {
            routed += c.active() + c.fin();
        }
        return (int) Math.min(Integer.MAX_VALUE, proxy.clientConnections() + routed);
    }

    /**
     * Registers where this node's sticky peers listen (bound after the member registered), so the
     * other proxies find it through membership.
     */
    synchronized void servesStickyPeersOn(InetSocketAddress bound) {
        stickyListen = bound;
        if (clock != null) {
            reregister(registered);
        }
    }

    /**
     * The sticky-peer addresses of the other live proxy members, as they are at each call (none
     * outside a cluster, and before the members were first read). Call after {@link #start}.
     */
    Supplier<List<InetSocketAddress>> stickyPeers() {
        Membership m = membership;
        return m == null ? List::of : new MemberPeers(m::members, config.nodeId());
    }

    /**
     * Registers this node draining (DNS stops answering with it, it takes no new traffic from the fleet)
     * without leaving: the proxy tier's autoscaler asked, and stops it once its connections finished.
     */
    synchronized void drainForScaleIn() {
        if (clock != null) {
            if (drainingSince == 0) {
                drainingSince = System.nanoTime();
            }
            LOG.info("cluster: the proxy tier drains node {}", config.nodeId());
            clock.execute(registration::drain);
        }
    }

    /** The node's event log. */
    EventLog events() {
        return events;
    }

    /** The members as this node sees them (null outside a cluster). Call after {@link #start}. */
    Membership membership() {
        return membership;
    }

    /** The leadership of this node, for the parts only the leader runs (empty outside a cluster). */
    java.util.Optional<Leadership> leadership() {
        return java.util.Optional.ofNullable(election);
    }

    /** The member's etcd client, shared by the parts on the cluster's etcd (null outside a cluster; closed here). */
    Client client() {
        return client;
    }

    /** The etcd the member is on: {@code cluster.etcd}, else {@code store.etcd} (null outside a cluster). */
    EtcdStoreConfig etcd() {
        return etcd;
    }

    /** This node's id in the cluster (empty outside a cluster). */
    String nodeId() {
        return config.nodeId();
    }

    @Override
    public String adminPath() {
        return "cluster/nodes";
    }

    /** {@code GET /api/v1/cluster/nodes}: every member known, with its state, and the leader. */
    @Override
    public Object adminSnapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", config.enabled());
        out.put("self", config.nodeId());
        Membership m = membership;
        LeaderElection e = election;
        out.put("leader", e == null ? null : e.leader().map(Leadership.Leader::nodeId).orElse(null));
        out.put("synced", m != null && m.synced());
        out.put("revision", m == null ? 0 : m.revision());
        List<Map<String, Object>> nodes = new ArrayList<>();
        if (m != null) {
            String leader = (String) out.get("leader");
            for (MemberView v : m.members()) {
                Member member = v.member();
                Map<String, Object> n = new LinkedHashMap<>();
                n.put("id", member.id());
                n.put("state", v.state().label());
                n.put("since", v.since());
                n.put("leader", member.id().equals(leader) && v.state() == MemberState.UP);
                n.put("roles", member.roles());
                n.put("site", member.site());
                n.put("host", member.host());
                n.put("addresses", member.addresses());
                n.put("capacity", member.capacity());
                n.put("version", member.version());
                n.put("registeredAt", member.registeredAt());
                nodes.add(n);
            }
        }
        out.put("nodes", nodes);
        return out;
    }

    /** {@code GET /api/v1/cluster/leader}. */
    Object leaderSnapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        LeaderElection e = election;
        out.put("enabled", config.enabled());
        out.put("self", config.nodeId());
        out.put("candidate", config.has("controller"));
        var leader = e == null ? null : e.leader().orElse(null);
        out.put("leader", leader == null ? null : leader.nodeId());
        out.put("fencingRevision", leader == null ? 0 : leader.fencingRevision());
        out.put("lease", leader == null ? null : leader.lease());
        out.put("isLeader", e != null && e.isLeader());
        out.put("key", e == null ? null : e.leaderKey());
        return out;
    }

    @Override
    public void registerMetrics(PrometheusRegistry registry) {
        GaugeWithCallback.builder().name("fulcrum_cluster_members")
                .help("Cluster members as this node sees them, by state (up, draining, removed, failed)")
                .labelNames("state")
                .callback(cb -> {
                    Membership m = membership;
                    for (MemberState s : MemberState.values()) {
                        cb.call(m == null ? 0 : m.counts().get(s), s.label());
                    }
                })
                .register(registry);
        GaugeWithCallback.builder().name("fulcrum_cluster_is_leader")
                .help("1 while this node is the cluster's elected leader, else 0")
                .callback(cb -> {
                    LeaderElection e = election;
                    cb.call(e != null && e.isLeader() ? 1 : 0);
                })
                .register(registry);
    }

    /** {@code GET /api/v1/cluster/leader}, as a view of its own (one admin path per service). */
    private static final class LeaderView extends AdminBridge implements AdminReadable {
        private final ClusterNode cluster;

        LeaderView(ClusterNode cluster) {
            super("cluster-leader");
            this.cluster = cluster;
        }

        @Override
        public String adminPath() {
            return "cluster/leader";
        }

        @Override
        public Object adminSnapshot() {
            return cluster.leaderSnapshot();
        }
    }
}
