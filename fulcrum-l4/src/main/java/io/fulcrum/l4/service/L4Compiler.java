package io.fulcrum.l4.service;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.balance.BalancerRegistry;
import io.fulcrum.core.balance.BalancerFactory;
import io.fulcrum.core.balance.BalancerSpec;
import io.fulcrum.core.balance.BuiltInAlgorithms;
import io.fulcrum.core.extension.ExtensionConfig;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.l4.L4ListenerConfig;
import io.fulcrum.core.config.l4.L4TimeoutsConfig;
import io.fulcrum.core.config.l4.VirtualServiceConfig;
import io.fulcrum.core.retry.Ejection;
import io.fulcrum.l4.table.BackendFlowCounters;
import io.fulcrum.proxy.tls.BackendTls;
import io.fulcrum.proxy.tls.TlsRuntime;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiles the {@code virtualServices} of a configuration into listener runtimes, keeping
 * the live state that must outlive a reload: backends and their counters by
 * (service, port/protocol, backend address). Runs off the event loops (it loads
 * certificates and resolves backend names).
 */
public final class L4Compiler {

    private final Map<String, Backend> backends = new ConcurrentHashMap<>();
    /** Flow counters of one backend as seen by one listener ({@code service|key|}). */
    private final Map<CounterKey, BackendFlowCounters> counters = new ConcurrentHashMap<>();
    /**
     * The proxy's live backend of a pool by name, when the node has one: the L4 router then
     * uses that same object, so health verdicts, operator drains and adaptive weights reach
     * L4 flows too, and the flows count in the backend's traffic.
     */
    private volatile java.util.function.BiFunction<String, String, Backend> shared = (pool, name) -> null;

    private record CounterKey(String listener, Backend backend) {
    }

    /** Whether this compiler takes the packet-mode services (dsr, dnat) instead of the proxy-mode ones. */
    private final boolean packetModes;

    /** A compiler of the proxy-mode services (the L4 router's). */
    public L4Compiler() {
        this(false);
    }

    private L4Compiler(boolean packetModes) {
        this.packetModes = packetModes;
    }

    /** A compiler of the packet-mode services only ({@code mode: dsr | dnat}), for the packet path. */
    public static L4Compiler forPacketModes() {
        return new L4Compiler(true);
    }

    /** Where to find the live backends this router shares with the proxy (see {@link #shared}). */
    public void sharedBackends(java.util.function.BiFunction<String, String, Backend> lookup) {
        shared = lookup == null ? (pool, name) -> null : lookup;
    }

    /**
     * @return listener runtimes by {@code service|protocol/port}, in configuration order
     * @throws IllegalArgumentException when a certificate or a CA file cannot be loaded (an
     *                                  {@link InvalidFieldException} naming the field)
     */
    public synchronized Map<String, L4ListenerRuntime> compile(FulcrumConfig config) {
        Map<String, L4ListenerRuntime> out = new LinkedHashMap<>();
        Set<Backend> inUse = new HashSet<>();
        Set<CounterKey> countersInUse = new HashSet<>();
        for (int v = 0; v < config.virtualServices().size(); v++) {
            VirtualServiceConfig vs = config.virtualServices().get(v);
            if (vs.proxyMode() == packetModes) {
                continue;
            }
            L4TimeoutsConfig serviceLevel = vs.timeouts().over(config.l4Timeouts().over(L4TimeoutsConfig.BUILT_IN));
            for (int l = 0; l < vs.listeners().size(); l++) {
                L4ListenerConfig lc = vs.listeners().get(l);
                String path = "virtualServices[" + v + "].listeners[" + l + "]";
                PoolConfig pool = config.pool(lc.pool());
                if (pool == null) {
                    throw new IllegalArgumentException("virtual service " + vs.name() + " " + lc.key()
                            + " refers to unknown pool " + lc.pool());
                }
                TlsRuntime tls;
                BackendTls backendTls;
                try {
                    tls = lc.tls() == null ? null : TlsRuntime.compile(lc.tls());
                } catch (InvalidFieldException e) {
                    throw e.within(path + ".tls");
                }
                try {
                    backendTls = lc.backendTls() == null || !lc.backendTls().enabled() ? null
                            : BackendTls.compile(pool.name(), lc.backendTls(), List.of());
                } catch (InvalidFieldException e) {
                    throw e.within(path + ".backendTls");
                }
                String keyPrefix = vs.name() + "|" + lc.key() + "|";
                List<Backend> list = new ArrayList<>();
                Map<Backend, BackendFlowCounters> cs = new IdentityHashMap<>();
                for (int i = 0; i < pool.backends().size(); i++) {
                    Backend b = backend(keyPrefix, pool, pool.backends().get(i), i);
                    list.add(b);
                    CounterKey key = new CounterKey(keyPrefix, b);
                    countersInUse.add(key);
                    cs.put(b, counters.computeIfAbsent(key, k -> new BackendFlowCounters(vs.name(), pool.name(), b.name())));
                }
                inUse.addAll(list);
                ExtensionConfig<BalancerFactory<?>> algorithm = lc.algorithm() != null ? lc.algorithm() : pool.algorithm();
                if (lc.udpHash() || !vs.proxyMode()) {
                    // (packet modes: any balancer with this configuration picks the same backend for a flow)
                    // Maglev over the client address with its default table: the same on every node.
                    algorithm = ExtensionConfig.of(BuiltInAlgorithms.MaglevFactory.NAME);
                }
                BalancerSpec spec = new BalancerSpec(list, pool.weightBound(), config.server().site(),
                        config.server().host());
                Map<String, FlowTimeouts> timeouts = new LinkedHashMap<>();
                for (String vip : vs.vips()) {
                    L4TimeoutsConfig t = lc.timeouts().over(vs.timeoutsFor(vip).over(serviceLevel));
                    timeouts.put(vip, resolve(t, pool));
                }
                HAProxyProtocolVersion send = switch (pool.proxyProtocol()) {
                    case "v1" -> HAProxyProtocolVersion.V1;
                    case "v2" -> HAProxyProtocolVersion.V2;
                    default -> null;
                };
                out.put(vs.name() + "|" + lc.key(), new L4ListenerRuntime(vs.name(), lc, pool, List.copyOf(list),
                        Map.copyOf(cs), BalancerRegistry.create(algorithm, spec), Map.copyOf(timeouts),
                        pool.retries().onConnectFailure() ? pool.retries().attempts() : 0, send, tls, backendTls,
                        Ejection.of(pool.passiveHealth())));
            }
        }
        // Backends gone from the configuration live on only in the flows that still use them.
        backends.values().removeIf(b -> !inUse.contains(b));
        counters.keySet().removeIf(k -> !countersInUse.contains(k));
        return out;
    }

    /** Every live backend's counters. */
    public List<BackendFlowCounters> counters() {
        return List.copyOf(counters.values());
    }

    private Backend backend(String keyPrefix, PoolConfig pc, BackendConfig bc, int index) {
        io.fulcrum.core.config.HostPort hp = bc.address();
        Backend live = shared.apply(pc.name(), bc.name());
        if (live != null && live.host().equals(hp.host()) && live.port() == hp.port()) {
            return live; // the proxy's compiler has applied this configuration to it already
        }
        Backend b = backends.computeIfAbsent(keyPrefix + hp.host() + ":" + hp.port(),
                k -> new Backend(pc.name(), bc.name(), hp.host(), hp.port(), index, bc.weight()));
        b.setConfiguredWeight(Math.min(bc.weight(), pc.weightBound()));
        b.setMaxConnections(bc.maxConnections());
        b.setLocality(bc.site(), bc.host());
        b.setLabels(bc.labels());
        b.setState(BackendState.parse(bc.state()));
        b.socketAddress(); // resolve here, never on an event loop
        return b;
    }

    private static FlowTimeouts resolve(L4TimeoutsConfig t, PoolConfig pool) {
        Duration connect = t.connect() != null ? t.connect() : pool.connectTimeout();
        return new FlowTimeouts((int) Math.max(1, Math.min(Integer.MAX_VALUE, connect.toMillis())),
                t.idle().toNanos(), t.finTimeout().toNanos(), t.staleTimeout().toNanos(), t.udpSession().toNanos());
    }

    /** Sweep period fitting the shortest timeout in use (a quarter of it, 10 ms to 1 s). */
    public static long sweepNanos(Map<String, L4ListenerRuntime> runtimes) {
        long min = Long.MAX_VALUE;
        for (L4ListenerRuntime r : runtimes.values()) {
            for (FlowTimeouts t : r.timeouts().values()) {
                min = Math.min(min, t.finNanos());
                min = Math.min(min, t.staleNanos());
                min = Math.min(min, t.udpSessionNanos());
                if (t.idleNanos() > 0) {
                    min = Math.min(min, t.idleNanos());
                }
            }
        }
        return Math.max(10_000_000L, Math.min(1_000_000_000L, min / 4));
    }

}
