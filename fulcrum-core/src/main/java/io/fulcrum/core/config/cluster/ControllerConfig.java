package io.fulcrum.core.config.cluster;

import io.fulcrum.core.config.RestartRequired;

import java.time.Duration;
import java.util.List;

/**
 * The cluster controller on etcd (needs {@code store.etcd}): every node publishes its
 * per-backend statistics every {@code interval}; the elected leader aggregates them and
 * publishes, per pool listed in {@code pools}, either weights or the aggregates.
 *
 * @param enabled  whether this node takes part (publishes statistics, may lead, follows publications)
 * @param node     this node's name in the cluster (default: {@code server.host}, else the machine's host name)
 * @param interval how often statistics are published and the leader aggregates (default 1 s)
 * @param leaseTtl time-to-live of the leases on the statistics and the leader key (default 5 s):
 *                 a dead node's statistics and leadership are gone within it
 * @param pools    the pools whose weights the controller drives (others only have statistics); the
 *                 only field applied on reload, the others need a restart
 */
public record ControllerConfig(@RestartRequired Boolean enabled, @RestartRequired String node,
                               @RestartRequired Duration interval, @RestartRequired Duration leaseTtl,
                               List<ControlledPoolConfig> pools) {

    public ControllerConfig {
        enabled = enabled == null ? Boolean.FALSE : enabled;
        interval = interval == null ? Duration.ofSeconds(1) : interval;
        leaseTtl = leaseTtl == null ? Duration.ofSeconds(5) : leaseTtl;
        pools = pools == null ? List.of() : List.copyOf(pools);
    }

    /** What a configuration without a {@code controller} section means: not taking part. */
    public static ControllerConfig off() {
        return new ControllerConfig(false, null, null, null, null);
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
