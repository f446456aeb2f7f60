package io.fulcrum.core.config;

import io.fulcrum.core.config.gslb.GslbConfig;
import io.fulcrum.core.config.dns.DnsConfig;
import io.fulcrum.core.config.admin.AdminConfig;

import java.util.List;

/**
 * One whole configuration snapshot: process settings, the listeners with their
 * routes, the backend pools, and the access log.
 *
 * @param server    process-wide settings (threads, identity of this node, shutdown)
 * @param accessLog where and how requests are logged
 * @param listeners the addresses Fulcrum accepts traffic on
 * @param pools     the backend pools that routes send traffic to
 * @param l4Timeouts      global timeouts of the L4 router (virtual services)
 * @param virtualServices the L4 router's virtual services (VIPs, ports, pools)
 * @param gslb      GSLB site state: this site, the other sites, site-state peers, hand-off
 * @param dns       the authoritative DNS server and GSLB records (off when absent)
 * @param admin     the admin API, dashboard and metrics server (absent: not served)
 * @param store     where the configuration comes from: a store by name with its settings
 *                  ({@link io.fulcrum.core.config.store.StoreType}); absent, the file
 * @param cluster   this node as a cluster member: id, roles, lease (absent: a node alone)
 * @param controller  the cluster controller's statistics and weights (absent: off)
 * @param stickyPeers sticky sessions shared with peer proxies (absent: off)
 * @param sites     every site (data centre) with its VIPs, read by both {@code gslb} and {@code dns}
 */
public record FulcrumConfig(
        ServerSettings server,
        AccessLogConfig accessLog,
        List<ListenerConfig> listeners,
        List<PoolConfig> pools,
        io.fulcrum.core.config.l4.L4TimeoutsConfig l4Timeouts,
        List<io.fulcrum.core.config.l4.VirtualServiceConfig> virtualServices,
        GslbConfig gslb,
        DnsConfig dns,
        AdminConfig admin,
        @RestartRequired io.fulcrum.core.extension.ExtensionConfig<io.fulcrum.core.config.store.StoreType<?>> store,
        io.fulcrum.core.config.cluster.ClusterConfig cluster,
        io.fulcrum.core.config.cluster.ControllerConfig controller,
        io.fulcrum.core.config.cluster.StickyPeersConfig stickyPeers,
        List<io.fulcrum.core.config.site.SiteConfig> sites) {

    public FulcrumConfig {
        sites = sites == null ? List.of() : List.copyOf(sites);
        cluster = cluster == null ? io.fulcrum.core.config.cluster.ClusterConfig.off() : cluster;
        controller = controller == null ? io.fulcrum.core.config.cluster.ControllerConfig.off() : controller;
        stickyPeers = stickyPeers == null ? io.fulcrum.core.config.cluster.StickyPeersConfig.off() : stickyPeers;
        store = store == null ? io.fulcrum.core.extension.ExtensionConfig.of(io.fulcrum.core.config.store.StoreType.FILE) : store;
        admin = admin == null ? AdminConfig.disabled() : admin;
        server = server == null ? ServerSettings.defaults() : server;
        accessLog = accessLog == null ? AccessLogConfig.defaults() : accessLog;
        listeners = listeners == null ? List.of() : List.copyOf(listeners);
        pools = pools == null ? List.of() : List.copyOf(pools);
        l4Timeouts = l4Timeouts == null ? io.fulcrum.core.config.l4.L4TimeoutsConfig.inherit() : l4Timeouts;
        virtualServices = virtualServices == null ? List.of() : List.copyOf(virtualServices);
        gslb = gslb == null ? GslbConfig.disabled() : gslb;
        dns = dns == null ? DnsConfig.off() : dns;
    }

    /** This configuration with other process settings. */
    public FulcrumConfig withServer(ServerSettings otherServer) {
        return new FulcrumConfig(otherServer, accessLog, listeners, pools, l4Timeouts, virtualServices, gslb, dns,
                admin, store, cluster, controller, stickyPeers, sites);
    }

    /** This configuration with another {@code pools} list. */
    public FulcrumConfig withPools(List<PoolConfig> otherPools) {
        return new FulcrumConfig(server, accessLog, listeners, otherPools, l4Timeouts, virtualServices, gslb, dns,
                admin, store, cluster, controller, stickyPeers, sites);
    }

    /** This configuration with another {@code sites} list. */
    public FulcrumConfig withSites(List<io.fulcrum.core.config.site.SiteConfig> otherSites) {
        return new FulcrumConfig(server, accessLog, listeners, pools, l4Timeouts, virtualServices, gslb, dns,
                admin, store, cluster, controller, stickyPeers, otherSites);
    }

    /** The site with this name in {@code sites}, or {@code null}. */
    public io.fulcrum.core.config.site.SiteConfig site(String name) {
        return io.fulcrum.core.config.site.SiteConfig.named(sites, name);
    }

    /** The pool with this name, or {@code null}. */
    public PoolConfig pool(String name) {
        for (PoolConfig p : pools) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }
}
