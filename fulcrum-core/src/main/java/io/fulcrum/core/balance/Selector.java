package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

/**
 * One algorithm over one {@link Tier} of a pool. {@link TieredBalancer} asks the
 * primary tier's selector first and the backup tier's only when it returns null.
 */
interface Selector {

    /**
     * @param ctx      the request
     * @param nowNanos {@code ctx.nowNanos()}, read once per pick
     * @return a selectable backend of this tier, or {@code null} when none is
     */
    Backend select(PickContext ctx, long nowNanos);
}
