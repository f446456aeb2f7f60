package io.fulcrum.control.config;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.cluster.ClusterConfig;
import io.fulcrum.core.config.cluster.ControlledPoolConfig;
import io.fulcrum.core.config.cluster.ControllerConfig;
import io.fulcrum.core.config.cluster.StickyPeersConfig;
import io.fulcrum.core.config.store.EtcdStoreConfig;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The rules of the {@code cluster}, {@code controller} and {@code stickyPeers} sections. The
 * cluster member needs a node id, known roles, a lease of whole seconds long enough to be kept
 * alive, a positive capacity, and an etcd to register in ({@code cluster.etcd} or
 * {@code store.etcd}). The controller needs a {@code cluster} section (it uses the cluster's etcd and
 * election), drives only pools that exist, with a known mode and policy and a sane weight range; sticky peers are {@code host:port}
 * addresses.
 */
final class ClusterConfigValidator {

    static final Set<String> MODES = Set.of("weights", "aggregates");
    static final Set<String> POLICIES = Set.of("manager", "congestion");

    /** Shorter leases expire between two keep-alives on a loaded machine. */
    static final Duration MIN_LEASE_TTL = Duration.ofSeconds(2);

    private ClusterConfigValidator() {
    }

    static void check(FulcrumConfig c, BiConsumer<String, String> error) {
        checkMember(c, error);
        AutoscaleConfigValidator.checkProxyTier(c, error);
        checkController(c, c.controller(), error);
        checkPeers(c.stickyPeers(), error);
    }

    private static void checkController(FulcrumConfig c, ControllerConfig ctl, BiConsumer<String, String> error) {
        if (!ctl.enabled()) {
            return;
        }
        if (!c.cluster().enabled()) {
            error.accept("controller.enabled", "the controller runs on a cluster member: add a cluster section");
        }
        if (ctl.interval().toMillis() < 100) {
            error.accept("controller.interval", "must be at least 100ms");
        }
        if (ctl.leaseTtl().toSeconds() < 2 || ctl.leaseTtl().compareTo(ctl.interval().multipliedBy(2)) < 0) {
            error.accept("controller.leaseTtl", "must be at least 2s and at least twice controller.interval");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ctl.pools().size(); i++) {
            String p = SourceMap.index("controller.pools", i);
            ControlledPoolConfig pc = ctl.pools().get(i);
            if (pc.name() == null || c.pool(pc.name()) == null) {
                error.accept(SourceMap.field(p, "name"), "unknown pool \"" + pc.name() + "\"");
            } else if (!seen.add(pc.name())) {
                error.accept(SourceMap.field(p, "name"), "pool \"" + pc.name() + "\" is listed twice");
            }
            if (!MODES.contains(pc.mode())) {
                error.accept(SourceMap.field(p, "mode"), "must be weights or aggregates, not \"" + pc.mode() + "\"");
            }
            if (!POLICIES.contains(pc.policy())) {
                error.accept(SourceMap.field(p, "policy"), "must be manager or congestion, not \"" + pc.policy() + "\"");
            }
            if (pc.minWeight() < 1 || pc.maxWeight() < pc.minWeight() || pc.maxWeight() > 1_000_000) {
                error.accept(SourceMap.field(p, "maxWeight"), "need 1 <= minWeight <= maxWeight <= 1000000");
            }
            if (!(pc.smoothing() >= 1)) {
                error.accept(SourceMap.field(p, "smoothing"), "must be at least 1");
            }
            if (pc.threshold() < 0 || pc.threshold() > 100) {
                error.accept(SourceMap.field(p, "threshold"), "must be a percentage, 0 to 100");
            }
            if (pc.validFrom().isNegative()) {
                error.accept(SourceMap.field(p, "validFrom"), "must not be negative");
            }
        }
    }

    private static void checkPeers(StickyPeersConfig peers, BiConsumer<String, String> error) {
        if (peers.listen() == null) {
            if (!peers.peers().isEmpty()) {
                error.accept("stickyPeers.listen", "required when stickyPeers.peers is given");
            }
            return;
        }
        // The addresses themselves were parsed (and refused with their line) by the binder.
    }

    private static void checkMember(FulcrumConfig config, BiConsumer<String, String> error) {
        ClusterConfig c = config.cluster();
        if (!c.enabled()) {
            if (!c.equals(ClusterConfig.off())) {
                error.accept("cluster.nodeId", "required: the node's name in the cluster, unique among its members");
            }
            return;
        }
        if (c.nodeId().isBlank() || !c.nodeId().matches("[A-Za-z0-9._-]+")) {
            error.accept("cluster.nodeId", "must be letters, digits, '.', '_' or '-' (got \"" + c.nodeId() + "\")");
        }
        for (int i = 0; i < c.roles().size(); i++) {
            if (!ClusterConfig.ROLES.contains(c.roles().get(i))) {
                error.accept(SourceMap.index("cluster.roles", i), "unknown role \"" + c.roles().get(i)
                        + "\"; expected one of " + String.join(", ", ClusterConfig.ROLES));
            }
        }
        if (c.leaseTtl().compareTo(MIN_LEASE_TTL) < 0 || c.leaseTtl().toNanos() % 1_000_000_000L != 0) {
            error.accept("cluster.leaseTtl", "must be whole seconds, at least " + MIN_LEASE_TTL.toSeconds()
                    + "s (got " + ConfigUnits.formatDuration(c.leaseTtl()) + ")");
        }
        if (c.drainTimeout().isNegative()) {
            error.accept("cluster.drainTimeout", "must not be negative (got "
                    + ConfigUnits.formatDuration(c.drainTimeout()) + ")");
        }
        if (c.capacity() < 1) {
            error.accept("cluster.capacity", "must be at least 1 (got " + c.capacity() + ")");
        }
        if (c.etcd() == null && EtcdStoreConfig.chosenIn(config.store()) == null) {
            error.accept("cluster.etcd", "a cluster member needs an etcd: set cluster.etcd or store.etcd");
        } else if (c.etcd() != null && c.etcd().endpoints().isEmpty()) {
            error.accept("cluster.etcd.endpoints", "at least one endpoint is needed");
        }
    }
}
