package io.fulcrum.proxy.runtime;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.sticky.StickyTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Periodic housekeeping of sticky sessions (requirements 2.1 items 5 and 6): purges
 * expired entries, removes the entries of failed or ejected backends so their
 * clients move, and reports a draining backend as drained once it has neither
 * sticky sessions nor requests in flight. Runs on a control thread, never on an
 * event loop.
 */
public final class SessionMaintenance implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionMaintenance.class);

    private final Supplier<RuntimeState> state;

    public SessionMaintenance(Supplier<RuntimeState> state) {
        this.state = state;
    }

    @Override
    public void run() {
        try {
            runOnce(System.nanoTime());
        } catch (RuntimeException e) {
            LOG.error("session maintenance failed", e);
        }
    }

    /** One pass; returns nothing, its effects are on the tables and backends. */
    public void runOnce(long now) {
        RuntimeState s = state.get();
        Map<Backend, Integer> sessions = new IdentityHashMap<>();
        for (ListenerRuntime l : s.listeners().values()) {
            for (RouteRuntime r : routesOf(l)) {
                StickyTable t = r.sticky();
                t.purgeExpired(now);
                for (Backend b : r.pool().backends()) {
                    if (b.state() == BackendState.DOWN || b.state() == BackendState.DISABLED || b.isEjected(now)) {
                        int removed = t.removeBackend(b);
                        if (removed > 0) {
                            LOG.info("removed {} sticky sessions of {} backend {}; its clients move", removed,
                                    b.isEjected(now) ? "ejected" : b.state().name().toLowerCase(), b);
                        }
                    }
                    sessions.merge(b, t.countFor(b), Integer::sum);
                }
            }
        }
        for (PoolRuntime p : s.pools().values()) {
            for (Backend b : p.backends()) {
                if (b.state() == BackendState.DRAINING && !b.isDrained()
                        && sessions.getOrDefault(b, 0) == 0 && b.activeRequests() == 0) {
                    b.markDrained();
                    LOG.info("backend {} is drained: no sticky sessions and no requests left; it can be shut down",
                            b);
                }
            }
        }
    }

    private static java.util.List<RouteRuntime> routesOf(ListenerRuntime l) {
        return l.routes();
    }
}
