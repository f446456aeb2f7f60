package io.fulcrum.control.reload;

import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PoolConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What differs between two configurations, as a reload reports it: listeners, pools and
 * backends added, removed, re-weighted or otherwise changed.
 *
 * <p>Listeners and pools are matched by name; backends by pool, name and address (a
 * backend whose address changed is a different server: removed and added). Names in the
 * lists are {@code listener}, {@code pool} and {@code pool/backend}; a re-weighted backend
 * reads {@code pool/backend 1->3}.
 *
 * @param listenersAdded    listeners only in the new configuration
 * @param listenersRemoved  listeners only in the old one
 * @param listenersChanged  listeners in both with a different bind address, routes or settings
 * @param poolsAdded        pools only in the new configuration
 * @param poolsRemoved      pools only in the old one
 * @param poolsChanged      pools in both whose settings (not counting their backends) differ
 * @param backendsAdded     backends only in the new configuration
 * @param backendsRemoved   backends only in the old one (they drain)
 * @param backendsReweighted backends in both whose weight differs
 * @param backendsChanged   backends in both that differ in something other than the weight
 * @param otherChanged      whether the server settings, the access log or another section (gslb) differ
 */
public record ConfigChanges(
        List<String> listenersAdded, List<String> listenersRemoved, List<String> listenersChanged,
        List<String> poolsAdded, List<String> poolsRemoved, List<String> poolsChanged,
        List<String> backendsAdded, List<String> backendsRemoved, List<String> backendsReweighted,
        List<String> backendsChanged, boolean otherChanged) {

    public ConfigChanges {
        listenersAdded = List.copyOf(listenersAdded);
        listenersRemoved = List.copyOf(listenersRemoved);
        listenersChanged = List.copyOf(listenersChanged);
        poolsAdded = List.copyOf(poolsAdded);
        poolsRemoved = List.copyOf(poolsRemoved);
        poolsChanged = List.copyOf(poolsChanged);
        backendsAdded = List.copyOf(backendsAdded);
        backendsRemoved = List.copyOf(backendsRemoved);
        backendsReweighted = List.copyOf(backendsReweighted);
        backendsChanged = List.copyOf(backendsChanged);
    }

    /** Compares {@code before} with {@code after}. */
    public static ConfigChanges between(FulcrumConfig before, FulcrumConfig after) {
        List<String> lAdded = new ArrayList<>();
        List<String> lRemoved = new ArrayList<>();
        List<String> lChanged = new ArrayList<>();
        Map<String, ListenerConfig> oldListeners = byName(before.listeners(), ListenerConfig::name);
        Map<String, ListenerConfig> newListeners = byName(after.listeners(), ListenerConfig::name);
        compare(oldListeners, newListeners, lAdded, lRemoved, lChanged, Objects::equals);

        List<String> pAdded = new ArrayList<>();
        List<String> pRemoved = new ArrayList<>();
        List<String> pChanged = new ArrayList<>();
        Map<String, PoolConfig> oldPools = byName(before.pools(), PoolConfig::name);
        Map<String, PoolConfig> newPools = byName(after.pools(), PoolConfig::name);
        compare(oldPools, newPools, pAdded, pRemoved, pChanged,
                (a, b) -> withoutBackends(a).equals(withoutBackends(b)));

        List<String> bAdded = new ArrayList<>();
        List<String> bRemoved = new ArrayList<>();
        List<String> bReweighted = new ArrayList<>();
        List<String> bChanged = new ArrayList<>();
        Map<String, BackendConfig> oldBackends = backends(before);
        Map<String, BackendConfig> newBackends = backends(after);
        for (var e : newBackends.entrySet()) {
            BackendConfig old = oldBackends.get(e.getKey());
            String label = label(e.getKey());
            if (old == null) {
                bAdded.add(label);
            } else {
                BackendConfig now = e.getValue();
                if (!old.weight().equals(now.weight())) {
                    bReweighted.add(label + " " + old.weight() + "->" + now.weight());
                }
                if (!withWeight(old, 0).equals(withWeight(now, 0))) {
                    bChanged.add(label);
                }
            }
        }
        for (String key : oldBackends.keySet()) {
            if (!newBackends.containsKey(key)) {
                bRemoved.add(label(key));
            }
        }
        boolean other = !before.server().equals(after.server()) || !before.accessLog().equals(after.accessLog())
                || !before.gslb().equals(after.gslb());
        return new ConfigChanges(lAdded, lRemoved, lChanged, pAdded, pRemoved, pChanged,
                bAdded, bRemoved, bReweighted, bChanged, other);
    }

    /** Whether nothing differs. */
    public boolean isEmpty() {
        return !otherChanged && parts().isEmpty();
    }

    /**
     * One line for the log, naming only what changed, for example
     * {@code listeners added [admin]; backends added [app/c], removed [app/a], re-weighted [app/b 1->3]}.
     */
    public String summary() {
        List<String> parts = parts();
        if (otherChanged) {
            parts.add("server, access log or gslb settings changed");
        }
        return parts.isEmpty() ? "no changes" : String.join("; ", parts);
    }

    private List<String> parts() {
        List<String> parts = new ArrayList<>();
        part(parts, "listeners", listenersAdded, listenersRemoved, listenersChanged, List.of());
        part(parts, "pools", poolsAdded, poolsRemoved, poolsChanged, List.of());
        part(parts, "backends", backendsAdded, backendsRemoved, backendsChanged, backendsReweighted);
        return parts;
    }

    private static void part(List<String> parts, String what, List<String> added, List<String> removed,
                             List<String> changed, List<String> reweighted) {
        List<String> items = new ArrayList<>();
        if (!added.isEmpty()) {
            items.add("added " + added);
        }
        if (!removed.isEmpty()) {
            items.add("removed " + removed);
        }
        if (!reweighted.isEmpty()) {
            items.add("re-weighted " + reweighted);
        }
        if (!changed.isEmpty()) {
            items.add("changed " + changed);
        }
        if (!items.isEmpty()) {
            parts.add(what + " " + String.join(", ", items));
        }
    }

    private interface Same<T> {
        boolean test(T a, T b);
    }

    private static <T> void compare(Map<String, T> before, Map<String, T> after, List<String> added,
                                    List<String> removed, List<String> changed, Same<T> same) {
        for (var e : after.entrySet()) {
            T old = before.get(e.getKey());
            if (old == null) {
                added.add(e.getKey());
            } else if (!same.test(old, e.getValue())) {
                changed.add(e.getKey());
            }
        }
        for (String name : before.keySet()) {
            if (!after.containsKey(name)) {
                removed.add(name);
            }
        }
    }

    private static <T> Map<String, T> byName(List<T> items, java.util.function.Function<T, String> name) {
        Map<String, T> m = new LinkedHashMap<>();
        for (T t : items) {
            m.put(name.apply(t), t);
        }
        return m;
    }

    /** Key {@code pool \0 name \0 address}: a backend that moved is another backend. */
    private static Map<String, BackendConfig> backends(FulcrumConfig config) {
        Map<String, BackendConfig> m = new LinkedHashMap<>();
        for (PoolConfig p : config.pools()) {
            for (BackendConfig b : p.backends()) {
                m.put(p.name() + '\0' + b.name() + '\0' + b.address(), b);
            }
        }
        return m;
    }

    private static String label(String key) {
        String[] parts = key.split("\0", -1);
        return parts[0] + "/" + parts[1];
    }

    private static PoolConfig withoutBackends(PoolConfig p) {
        return new PoolConfig(p.name(), p.algorithm(), p.hashKey(), p.weightBound(), p.maglevTableSize(),
                p.ringReplicas(), p.connectTimeout(), p.responseTimeout(), p.retries(), p.queue(),
                p.passiveHealth(), p.keepAlive(), List.of(), p.health());
    }

    private static BackendConfig withWeight(BackendConfig b, int weight) {
        return new BackendConfig(b.name(), b.address(), weight, b.maxConnections(), b.site(), b.host(),
                b.labels(), b.state());
    }
}
