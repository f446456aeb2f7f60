package io.fulcrum.core.config.cluster;

import io.fulcrum.core.config.scale.ProxyTierAutoscaleConfig;

/**
 * The fleet's own proxy tier ({@code cluster.proxyTier}): the Fulcrum nodes with the {@code proxy} role,
 * which the GSLB tier answers with ({@code sites[].memberVips}).
 *
 * @param autoscale the policy that starts and stops proxy nodes on their load (none by default: the
 *                  tier is the nodes an operator runs)
 */
public record ProxyTierConfig(ProxyTierAutoscaleConfig autoscale) {

    /** No policy on the proxy tier. */
    public static ProxyTierConfig none() {
        return new ProxyTierConfig(null);
    }
}
