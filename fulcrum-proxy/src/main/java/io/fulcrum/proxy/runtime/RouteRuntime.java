package io.fulcrum.proxy.runtime;

import io.fulcrum.core.config.StickinessConfig;
import io.fulcrum.core.sticky.StickyTable;

/**
 * A compiled route: its pool and its stickiness settings and table.
 *
 * @param listener   name of the listener the route belongs to
 * @param name       route name
 * @param pool       the pool that serves it
 * @param stickiness stickiness settings
 * @param sticky     the route's sticky table (kept across reloads)
 */
public record RouteRuntime(String listener, String name, PoolRuntime pool, StickinessConfig stickiness,
                           StickyTable sticky) {

    /** Stickiness timeout in nanoseconds. */
    public long stickyTimeoutNanos() {
        return stickiness.timeout().toNanos();
    }

    public boolean stickyByCookie() {
        return stickiness.enabled() && "cookie".equals(stickiness.mode());
    }
}
