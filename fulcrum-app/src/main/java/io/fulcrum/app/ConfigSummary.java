package io.fulcrum.app;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PoolConfig;

/**
 * A one-line count of what a configuration holds, for example
 * {@code 1 listener, 2 routes, 1 pool, 3 backends}.
 */
public final class ConfigSummary {

    private ConfigSummary() {
    }

    /** Counts listeners, routes (over all listeners), pools, backends (over all pools) and any virtual services. */
    public static String of(FulcrumConfig config) {
        int routes = 0;
        for (ListenerConfig listener : config.listeners()) {
            routes += listener.routes().size();
        }
        int backends = 0;
        for (PoolConfig pool : config.pools()) {
            backends += pool.backends().size();
        }
        return count(config.listeners().size(), "listener") + ", "
                + count(routes, "route") + ", "
                + count(config.pools().size(), "pool") + ", "
                + count(backends, "backend")
                + (config.virtualServices().isEmpty() ? ""
                        : ", " + count(config.virtualServices().size(), "virtual service"));
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
