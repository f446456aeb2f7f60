package io.fulcrum.core.config.scale;

import io.fulcrum.core.extension.ExtensionConfig;
import io.fulcrum.core.provision.ProvisionerFactory;

import java.time.Duration;
import java.util.List;

/**
 * The proxy tier's autoscale policy ({@code cluster.proxyTier.autoscale}): the cluster's leader starts
 * another Fulcrum node through {@code provisioner} when the proxy nodes' load is above the target, and
 * drains one it started (through DNS first: it registers {@code draining}, then its connections finish)
 * before it stops it when the load is below. The decision rules are the pools' ({@link AutoscaleConfig},
 * docs/autoscaling.md), over the proxy nodes instead of a pool's members.
 *
 * @param provisioner   what starts and stops proxy nodes, by name with its settings ({@code exec: {...}}):
 *                      the member it starts is named by the node id it must register with
 * @param metric        the load followed: {@code requestsPerNode} (default: requests every up proxy node
 *                      finished per second, over those nodes) or {@code connectionsPerNode} (their open client
 *                      connections, over those nodes)
 * @param target        target tracking: the metric's value each proxy node is sized for
 * @param scaleOutAbove step scaling: grow when the metric is above it
 * @param scaleInBelow  step scaling: shrink when the metric is below it
 * @param tolerance     target tracking: no change while {@code value / target} is within 1 ± tolerance; default 0.1
 * @param min           fewest up proxy nodes (those the tier did not start count); default 1
 * @param max           most up proxy nodes; required
 * @param step          most nodes one action starts or drains; default 1
 * @param interval      how often the load is read and a decision made; default 10 s
 * @param cooldown      no new action for this long after one ends; default 60 s
 * @param stabilization the stabilisation windows (up 0 s, down 5 min by default)
 * @param startTimeout  how long a start (until the node registers up) and a stop may take; default 2 min
 * @param drainTimeout  how long a draining node may keep connections before it is stopped anyway; default 5 min
 * @param dryRun        decisions are made and published as events, and nothing is started or drained; default false
 */
public record ProxyTierAutoscaleConfig(
        ExtensionConfig<ProvisionerFactory<?>> provisioner,
        String metric,
        Double target,
        Double scaleOutAbove,
        Double scaleInBelow,
        Double tolerance,
        Integer min,
        Integer max,
        Integer step,
        Duration interval,
        Duration cooldown,
        StabilizationConfig stabilization,
        Duration startTimeout,
        Duration drainTimeout,
        Boolean dryRun) {

    /** Requests finished per second per up proxy node. */
    public static final String REQUESTS_PER_NODE = "requestsPerNode";
    /** Open client connections per up proxy node. */
    public static final String CONNECTIONS_PER_NODE = "connectionsPerNode";
    /** The metrics a proxy tier follows. */
    public static final List<String> METRICS = List.of(REQUESTS_PER_NODE, CONNECTIONS_PER_NODE);

    public ProxyTierAutoscaleConfig {
        metric = metric == null ? REQUESTS_PER_NODE : metric;
        startTimeout = startTimeout == null ? Duration.ofMinutes(2) : startTimeout;
    }

    /**
     * The same rules as a pool's policy, for the decision engine and the shared checks: defaults, limits,
     * step, windows and timings as given here; no per-backend thresholds, no member template, no healing.
     */
    public AutoscaleConfig policy() {
        return new AutoscaleConfig(provisioner, metric, target, scaleOutAbove, scaleInBelow, tolerance, min, max,
                step, interval, cooldown, stabilization, null, null, startTimeout, drainTimeout, null, dryRun,
                new HealConfig(false, null, null));
    }
}
