package io.fulcrum.control.config;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.cluster.ClusterConfig;

import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * The rules of the {@code cluster} section: a node id, known roles, a lease of whole
 * seconds long enough to be kept alive, a positive capacity, and an etcd to register in
 * ({@code cluster.etcd} or {@code store.etcd}).
 */
final class ClusterConfigValidator {

    /** Shorter leases expire between two keep-alives on a loaded machine. */
    static final Duration MIN_LEASE_TTL = Duration.ofSeconds(2);

    private ClusterConfigValidator() {
    }

    static void check(FulcrumConfig config, BiConsumer<String, String> error) {
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
        if (c.capacity() < 1) {
            error.accept("cluster.capacity", "must be at least 1 (got " + c.capacity() + ")");
        }
        if (c.etcd() == null && config.store().etcd() == null) {
            error.accept("cluster.etcd", "a cluster member needs an etcd: set cluster.etcd or store.etcd");
        } else if (c.etcd() != null && c.etcd().endpoints().isEmpty()) {
            error.accept("cluster.etcd.endpoints", "at least one endpoint is needed");
        }
    }
}
