package io.fulcrum.testsupport.config;

import io.fulcrum.core.config.AccessLogConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.site.SiteConfig;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.ServerSettings;
import io.fulcrum.core.config.admin.AdminConfig;
import io.fulcrum.core.config.cluster.ClusterConfig;
import io.fulcrum.core.config.cluster.ControllerConfig;
import io.fulcrum.core.config.cluster.StickyPeersConfig;
import io.fulcrum.core.config.dns.DnsConfig;
import io.fulcrum.core.config.gslb.GslbConfig;
import io.fulcrum.core.config.l4.L4TimeoutsConfig;
import io.fulcrum.core.config.l4.VirtualServiceConfig;
import io.fulcrum.core.config.store.StoreType;
import io.fulcrum.core.extension.ExtensionConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link FulcrumConfig} for a test that writes the configuration as Java rather than
 * YAML: every section not given keeps the record's default (what an absent YAML section
 * gets). {@link #build()} is the one place that calls the record's constructor, so a section
 * added to the record is one edit here.
 */
public final class FulcrumConfigBuilder {

    private ServerSettings server;
    private AccessLogConfig accessLog;
    private final List<ListenerConfig> listeners = new ArrayList<>();
    private final List<PoolConfig> pools = new ArrayList<>();
    private L4TimeoutsConfig l4Timeouts;
    private final List<VirtualServiceConfig> virtualServices = new ArrayList<>();
    private GslbConfig gslb;
    private DnsConfig dns;
    private AdminConfig admin;
    private ExtensionConfig<StoreType<?>> store;
    private ClusterConfig cluster;
    private ControllerConfig controller;
    private StickyPeersConfig stickyPeers;
    private List<SiteConfig> sites;

    private FulcrumConfigBuilder() {
    }

    /** An empty configuration: defaults everywhere, no listener, no pool. */
    public static FulcrumConfigBuilder config() {
        return new FulcrumConfigBuilder();
    }

    public FulcrumConfigBuilder server(ServerSettings value) {
        this.server = value;
        return this;
    }

    public FulcrumConfigBuilder accessLog(AccessLogConfig value) {
        this.accessLog = value;
        return this;
    }

    /** No access log (what most tests want: nothing written beside the test). */
    public FulcrumConfigBuilder noAccessLog() {
        return accessLog(new AccessLogConfig(false, null, null));
    }

    /** Adds listeners, in order. */
    public FulcrumConfigBuilder listeners(List<ListenerConfig> values) {
        listeners.addAll(values);
        return this;
    }

    public FulcrumConfigBuilder listener(ListenerConfig value) {
        listeners.add(value);
        return this;
    }

    /** Adds pools, in order. */
    public FulcrumConfigBuilder pools(List<PoolConfig> values) {
        pools.addAll(values);
        return this;
    }

    public FulcrumConfigBuilder pool(PoolConfig value) {
        pools.add(value);
        return this;
    }

    public FulcrumConfigBuilder l4Timeouts(L4TimeoutsConfig value) {
        this.l4Timeouts = value;
        return this;
    }

    /** Adds virtual services, in order. */
    public FulcrumConfigBuilder virtualServices(List<VirtualServiceConfig> values) {
        virtualServices.addAll(values);
        return this;
    }

    public FulcrumConfigBuilder gslb(GslbConfig value) {
        this.gslb = value;
        return this;
    }

    public FulcrumConfigBuilder dns(DnsConfig value) {
        this.dns = value;
        return this;
    }

    public FulcrumConfigBuilder admin(AdminConfig value) {
        this.admin = value;
        return this;
    }

    public FulcrumConfigBuilder store(ExtensionConfig<StoreType<?>> value) {
        this.store = value;
        return this;
    }

    public FulcrumConfigBuilder cluster(ClusterConfig value) {
        this.cluster = value;
        return this;
    }

    public FulcrumConfigBuilder controller(ControllerConfig value) {
        this.controller = value;
        return this;
    }

    public FulcrumConfigBuilder stickyPeers(StickyPeersConfig value) {
        this.stickyPeers = value;
        return this;
    }

    /** The configuration (the record fills in the defaults of what was not given). */
    public FulcrumConfigBuilder sites(List<SiteConfig> value) {
        this.sites = value;
        return this;
    }

    public FulcrumConfig build() {
        return new FulcrumConfig(server, accessLog, listeners, pools, l4Timeouts, virtualServices, gslb, dns, admin,
                store, cluster, controller, stickyPeers, sites);
    }
}
