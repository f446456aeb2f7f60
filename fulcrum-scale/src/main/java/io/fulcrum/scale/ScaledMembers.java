package io.fulcrum.scale;

import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.PoolConfig;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The members the autoscaler added to its pools, laid over every configuration the node applies
 * (after the file, before the operator's changes, which may drain or fail one of them like any
 * backend). The file's own backends win over a member of the same name. Nothing is written to disk:
 * after a restart the scaler adopts what its provisioner still runs ({@code Provisioner.list}).
 *
 * <p>Thread-safe.
 */
public final class ScaledMembers implements UnaryOperator<FulcrumConfig> {

    private final Map<String, LinkedHashMap<String, BackendConfig>> byPool = new LinkedHashMap<>();

    /** Adds (or replaces) a member of a pool. */
    public synchronized void put(String pool, BackendConfig member) {
        byPool.computeIfAbsent(pool, p -> new LinkedHashMap<>()).put(member.name(), member);
    }

    /** Sets a member's state ({@code draining} on its way out); false when there is no such member. */
    public synchronized boolean state(String pool, String name, String state) {
        Map<String, BackendConfig> m = byPool.get(pool);
        BackendConfig b = m == null ? null : m.get(name);
        if (b == null) {
            return false;
        }
        m.put(name, new BackendConfig(b.name(), b.address(), b.weight(), b.maxConnections(), b.site(), b.host(),
                b.labels(), state));
        return true;
    }

    /** Removes a member; false when there was none. */
    public synchronized boolean remove(String pool, String name) {
        Map<String, BackendConfig> m = byPool.get(pool);
        if (m == null || m.remove(name) == null) {
            return false;
        }
        if (m.isEmpty()) {
            byPool.remove(pool);
        }
        return true;
    }

    /** A pool's members, in the order they were added. */
    public synchronized List<BackendConfig> members(String pool) {
        Map<String, BackendConfig> m = byPool.get(pool);
        return m == null ? List.of() : List.copyOf(m.values());
    }

    /** Forgets every member of a pool (its policy is gone). */
    public synchronized void clear(String pool) {
        byPool.remove(pool);
    }

    @Override
    public synchronized FulcrumConfig apply(FulcrumConfig config) {
        if (byPool.isEmpty()) {
            return config;
        }
        List<PoolConfig> pools = new ArrayList<>(config.pools().size());
        boolean changed = false;
        for (PoolConfig pc : config.pools()) {
            Map<String, BackendConfig> added = byPool.get(pc.name());
            if (added == null || added.isEmpty()) {
                pools.add(pc);
                continue;
            }
            List<BackendConfig> backends = new ArrayList<>(pc.backends());
            Set<String> names = new HashSet<>();
            backends.forEach(b -> names.add(b.name()));
            for (BackendConfig b : added.values()) {
                if (names.add(b.name())) {
                    backends.add(b);
                }
            }
            pools.add(pc.withBackends(backends));
            changed = true;
        }
        return changed ? config.withPools(pools) : config;
    }
}
