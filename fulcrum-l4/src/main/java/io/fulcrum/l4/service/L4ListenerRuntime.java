package io.fulcrum.l4.service;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.balance.LoadBalancer;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.l4.L4ListenerConfig;
import io.fulcrum.core.retry.Ejection;
import io.fulcrum.l4.table.BackendFlowCounters;
import io.fulcrum.proxy.tls.BackendTls;
import io.fulcrum.proxy.tls.TlsRuntime;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;

import java.util.List;
import java.util.Map;

/**
 * One compiled (port, protocol) of a virtual service: its backends (live objects that
 * survive reloads), its own balancer (selector state), resolved timeouts per VIP, and the
 * TLS and PROXY protocol settings. Immutable; a reload publishes a new one and flows keep
 * the one they started with.
 *
 * @param service       virtual service name
 * @param config        the listener's configuration
 * @param pool          the pool it sends to
 * @param backends      the pool's backends as this listener sees them
 * @param counters      per-backend flow counters
 * @param balancer      the selector
 * @param timeouts      resolved timeouts by VIP address (as configured)
 * @param retries       further backends tried when a connect fails
 * @param sendProxy     PROXY protocol version sent to backends, or {@code null}
 * @param tls           TLS termination, or {@code null}
 * @param backendTls    TLS to the backends (compiled like a pool's {@code tls}), or {@code null}
 * @param ejection      the pool's passive health, as a failed connect applies it
 */
public record L4ListenerRuntime(String service, L4ListenerConfig config, PoolConfig pool, List<Backend> backends,
                                Map<Backend, BackendFlowCounters> counters, LoadBalancer balancer,
                                Map<String, FlowTimeouts> timeouts, int retries, HAProxyProtocolVersion sendProxy,
                                TlsRuntime tls, BackendTls backendTls, Ejection ejection) {

    /** Timeouts for one of the service's VIPs. */
    public FlowTimeouts timeoutsFor(String vip) {
        FlowTimeouts t = timeouts.get(vip);
        return t != null ? t : timeouts.values().iterator().next();
    }
}
