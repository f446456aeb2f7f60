package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

/**
 * Locality-preferring weighted round robin (requirements 2.4 item 4): weighted round
 * robin over the selectable backends on this node's host; if there is none, over
 * those in this node's site; otherwise over all. Each level is its own
 * {@link WeightedRoundRobin}; a blank local host or site disables that level.
 */
final class LocalityWeightedRoundRobin implements Selector {

    private final WeightedRoundRobin sameHost;
    private final WeightedRoundRobin sameSite;
    private final WeightedRoundRobin any;

    LocalityWeightedRoundRobin(PoolView pool, Tier tier, String localHost, String localSite) {
        this.sameHost = isBlank(localHost) ? null : new WeightedRoundRobin(pool, tier, b -> localHost.equals(b.hostName()));
        this.sameSite = isBlank(localSite) ? null : new WeightedRoundRobin(pool, tier, b -> localSite.equals(b.site()));
        this.any = new WeightedRoundRobin(pool, tier);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    @Override
    public Backend select(PickContext ctx, long nowNanos) {
        Backend b = sameHost == null ? null : sameHost.select(ctx, nowNanos);
        if (b == null && sameSite != null) {
            b = sameSite.select(ctx, nowNanos);
        }
        return b != null ? b : any.select(ctx, nowNanos);
    }
}
