package io.fulcrum.proxy.runtime;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.balance.BalancerRegistry;
import io.fulcrum.core.balance.BalancerSpec;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.sticky.StickyTable;
import io.fulcrum.proxy.route.Router;
import io.fulcrum.proxy.tls.BackendTls;
import io.fulcrum.proxy.tls.BackendTlsCompiler;
import io.fulcrum.proxy.tls.TlsRuntime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiles configurations into {@link RuntimeState} snapshots. It owns the state
 * that must outlive a snapshot: backends by (pool, address), sticky tables by
 * (listener, route) and wait queues by pool, so that a recompiled snapshot keeps
 * counters, health, latency and sessions. Runs off the event loops.
 */
public final class RuntimeCompiler {

    private final Map<String, Backend> backends = new ConcurrentHashMap<>();
    private final Map<String, StickyTable> stickyTables = new ConcurrentHashMap<>();
    private final Map<String, WaitQueue> queues = new ConcurrentHashMap<>();

    /**
     * Builds a snapshot.
     *
     * @throws IllegalArgumentException when the configuration refers to something that does not exist
     *                                  (a validated configuration never does), or an
     *                                  {@link InvalidFieldException} naming the field when a certificate or
     *                                  key cannot be loaded
     */
    public synchronized RuntimeState compile(FulcrumConfig config) {
        // Certificates are read and SSL contexts built first (a bad file fails before any live state
        // changes), and here, never on an event loop.
        Map<String, TlsRuntime> tls = new HashMap<>();
        for (int i = 0; i < config.listeners().size(); i++) {
            ListenerConfig lc = config.listeners().get(i);
            if (lc.tls() != null) {
                try {
                    tls.put(lc.name(), TlsRuntime.compile(lc.tls()));
                } catch (InvalidFieldException e) {
                    throw e.within("listeners[" + i + "].tls");
                }
            }
        }
        Map<String, ErrorPages> errorPages = new HashMap<>();
        for (int i = 0; i < config.listeners().size(); i++) {
            ListenerConfig lc = config.listeners().get(i);
            try {
                errorPages.put(lc.name(), ErrorPages.load(lc.errorPages()));
            } catch (InvalidFieldException e) {
                throw e.within("listeners[" + i + "].errorPages");
            }
        }
        Map<String, BackendTls> backendTls = BackendTlsCompiler.compileAll(config);
        Map<String, PoolRuntime> pools = new HashMap<>();
        java.util.Set<Backend> inUse = new java.util.HashSet<>();
        for (PoolConfig pc : config.pools()) {
            PoolRuntime pool = compilePool(config, pc, backendTls.get(pc.name()));
            pools.put(pc.name(), pool);
            inUse.addAll(pool.backends());
        }
        // Backends gone from the configuration live on only in older snapshots (for their in-flight requests).
        backends.values().removeIf(b -> !inUse.contains(b));
        queues.keySet().retainAll(pools.keySet());
        Map<String, ListenerRuntime> listeners = new HashMap<>();
        for (ListenerConfig lc : config.listeners()) {
            List<Router.Entry<RouteRuntime>> entries = new ArrayList<>();
            for (RouteConfig rc : lc.routes()) {
                PoolRuntime pool = pools.get(rc.pool());
                if (pool == null) {
                    throw new IllegalArgumentException("route " + lc.name() + "/" + rc.name()
                            + " refers to unknown pool " + rc.pool());
                }
                StickyTable table = stickyTables.computeIfAbsent(lc.name() + "/" + rc.name(), k -> new StickyTable());
                entries.add(new Router.Entry<>(rc.match(),
                        new RouteRuntime(lc.name(), rc.name(), pool, rc.stickiness(), table)));
            }
            listeners.put(lc.name(), new ListenerRuntime(lc, new Router<>(entries),
                    entries.stream().map(Router.Entry::target).toList(), tls.get(lc.name()),
                    errorPages.get(lc.name())));
        }
        java.util.Set<String> liveRoutes = new java.util.HashSet<>();
        config.listeners().forEach(l -> l.routes().forEach(r -> liveRoutes.add(l.name() + "/" + r.name())));
        stickyTables.keySet().retainAll(liveRoutes);
        return new RuntimeState(config, listeners, pools);
    }

    private PoolRuntime compilePool(FulcrumConfig config, PoolConfig pc, BackendTls tls) {
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < pc.backends().size(); i++) {
            list.add(backend(pc, pc.backends().get(i), i));
        }
        BalancerSpec spec = new BalancerSpec(list, pc.weightBound(), config.server().site(), config.server().host());
        WaitQueue queue = queues.computeIfAbsent(pc.name(), k -> new WaitQueue(pc.queue().size()));
        queue.setCapacity(pc.queue().size());
        return new PoolRuntime(pc, list, BalancerRegistry.create(pc.algorithm(), spec), queue, tls);
    }

    private Backend backend(PoolConfig pc, BackendConfig bc, int index) {
        HostPort hp = bc.address();
        Backend b = backends.computeIfAbsent(pc.name() + "/" + hp.host() + ":" + hp.port(),
                k -> new Backend(pc.name(), bc.name(), hp.host(), hp.port(), index, bc.weight()));
        b.setConfiguredWeight(Math.min(bc.weight(), pc.weightBound()));
        b.setMaxConnections(bc.maxConnections());
        b.setLocality(bc.site(), bc.host());
        b.setLabels(bc.labels());
        b.setState(BackendState.parse(bc.state()));
        b.socketAddress(); // resolve here, never on an event loop
        return b;
    }

    /** All live backends this compiler has created, for inspection. */
    public Map<String, Backend> backends() {
        return Map.copyOf(backends);
    }
}
