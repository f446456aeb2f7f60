package io.fulcrum.core.config.cluster;

import io.fulcrum.core.config.RestartRequired;
import io.fulcrum.core.config.store.EtcdStoreConfig;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * This node as a member of a cluster: who it is, what it does, and how long the others
 * wait before they call it failed. Absent, the node runs alone (no membership, no
 * election), as a single node always did. The section is read once, at start, except
 * {@code proxyTier}, which a reload changes.
 *
 * @param nodeId    this node's name in the cluster, unique among the members (required)
 * @param roles     what it does: {@code proxy}, {@code dns}, {@code controller}, {@code router}
 *                  (default {@code proxy}); only {@code controller} nodes stand for leader
 * @param leaseTtl  how long its registration outlives its last keep-alive: after a crash the
 *                  others see it failed within this time, and a new leader is elected (default 10 s,
 *                  whole seconds, at least 2 s)
 * @param site      the site it runs in (default {@code server.site})
 * @param host      the host it runs on (default {@code server.host})
 * @param capacity  the share of traffic it can take relative to its peers (default 100)
 * @param advertise the address the others reach it at, used in place of a wildcard listen
 *                  address ({@code 0.0.0.0}, {@code ::}) in its registration (default: none)
 * @param etcd      the etcd holding the cluster's keys (default: {@code store.etcd})
 * @param drainTimeout how long a clean stop (SIGTERM) waits, registered {@code draining} and so no
 *                  longer answered by DNS but still serving, for the client connections it has to
 *                  finish before it deregisters and stops (default 30 s; 0 s: deregister at once)
 * @param proxyTier the fleet's proxy nodes and the policy that starts and stops them (default: none)
 */
public record ClusterConfig(
        @RestartRequired String nodeId,
        @RestartRequired List<String> roles,
        @RestartRequired Duration leaseTtl,
        @RestartRequired String site,
        @RestartRequired String host,
        @RestartRequired Integer capacity,
        @RestartRequired String advertise,
        @RestartRequired EtcdStoreConfig etcd,
        @RestartRequired Duration drainTimeout,
        ProxyTierConfig proxyTier) {

    /** The roles a node can have. */
    public static final List<String> ROLES = List.of("proxy", "dns", "controller", "router");

    public ClusterConfig {
        roles = roles == null ? List.of("proxy")
                : roles.stream().map(r -> r.toLowerCase(Locale.ROOT)).distinct().toList();
        leaseTtl = leaseTtl == null ? Duration.ofSeconds(10) : leaseTtl;
        capacity = capacity == null ? 100 : capacity;
        drainTimeout = drainTimeout == null ? Duration.ofSeconds(30) : drainTimeout;
        proxyTier = proxyTier == null ? ProxyTierConfig.none() : proxyTier;
    }

    /** No cluster section: the node runs alone. */
    public static ClusterConfig off() {
        return new ClusterConfig(null, null, null, null, null, null, null, null, null, null);
    }

    /** Whether this node is a cluster member (the section is there with a node id). */
    public boolean enabled() {
        return nodeId != null;
    }

    /** Whether it has this role. */
    public boolean has(String role) {
        return roles.contains(role);
    }
}
