package io.fulcrum.core.config;

/**
 * A route: requests that match go to the named pool.
 *
 * @param name       unique within its listener
 * @param match      what the request must look like; {@code null} matches everything (a default route)
 * @param pool       name of the pool that serves the route
 * @param stickiness session stickiness for this route
 */
public record RouteConfig(@Required String name, RouteMatch match, @Required String pool, StickinessConfig stickiness) {

    public RouteConfig {
        match = match == null ? RouteMatch.any() : match;
        stickiness = stickiness == null ? StickinessConfig.off() : stickiness;
    }
}
