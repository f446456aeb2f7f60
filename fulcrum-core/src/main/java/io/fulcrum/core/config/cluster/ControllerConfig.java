package io.fulcrum.core.config.cluster;

import io.fulcrum.core.config.RestartRequired;

import java.time.Duration;
import java.util.List;

/**
 * The cluster controller (needs a {@code cluster} section: it runs on the cluster's etcd, under
 * this node's {@code cluster.nodeId}, and leads when the cluster's election makes this node
 * leader): every node publishes its per-backend statistics every {@code interval}; the elected
 * leader aggregates them and publishes, per pool listed in {@code pools}, either weights or the
 * aggregates.
 *
 * @param enabled  whether this node takes part (publishes statistics, follows publications; it
 *                 leads only with the {@code controller} role in {@code cluster.roles})
 * @param interval how often statistics are published and the leader aggregates (default 1 s)
 * @param leaseTtl time-to-live of the lease on this node's statistics (default 5 s): a dead node's
 *                 statistics are gone within it
 * @param pools    the pools whose weights the controller drives (others only have statistics); the
 *                 only field applied on reload, the others need a restart
 */
public record ControllerConfig(@RestartRequired Boolean enabled, @RestartRequired Duration interval, @RestartRequired Duration leaseTtl,
                               List<ControlledPoolConfig> pools) {

    public ControllerConfig {
        enabled = enabled == null ? Boolean.FALSE : enabled;
        interval = interval == null ? Duration.ofSeconds(1) : interval;
        leaseTtl = leaseTtl == null ? Duration.ofSeconds(5) : leaseTtl;
        pools = pools == null ? List.of() : List.copyOf(pools);
    }

    /** What a configuration without a {@code controller} section means: not taking part. */
    public static ControllerConfig off() {
        return new ControllerConfig(false, null, null, null);
    }

    /** The settings of this pool, or {@code null} when the controller does not drive it. */
    public ControlledPoolConfig pool(String name) {
        for (ControlledPoolConfig p : pools) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }
}
