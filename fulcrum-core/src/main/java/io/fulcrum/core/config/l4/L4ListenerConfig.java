package io.fulcrum.core.config.l4;

import io.fulcrum.core.balance.BalancerFactory;
import io.fulcrum.core.config.BackendTlsConfig;
import io.fulcrum.core.config.TlsConfig;
import io.fulcrum.core.extension.ExtensionConfig;

/**
 * One (port, protocol) of a virtual service: bound on every VIP of the service, with its
 * own pool, algorithm and selector state.
 *
 * @param port                the port on each VIP
 * @param protocol            {@code tcp} (default) or {@code udp}
 * @param pool                name of a pool in {@code pools}; its backends, weights, connect timeout,
 *                            retries and {@code proxyProtocol} apply
 * @param algorithm           balancing algorithm with its settings, as a pool's; default the pool's
 * @param timeouts            port-level timeouts (see {@link L4TimeoutsConfig})
 * @param acceptProxyProtocol read a PROXY protocol v1 or v2 header from each client first (TCP only)
 * @param tls                 TLS termination (TCP only; same shape as an HTTP listener's {@code tls})
 * @param backendTls          TLS to the backends (TCP only; the same shape as a pool's {@code tls})
 * @param splice              relay with Linux {@code splice(2)} (zero copy) when the transport is epoll and
 *                            neither TLS nor PROXY acceptance needs the bytes (default false)
 * @param udpHash             UDP only: pick each new session's backend by a consistent hash of the client
 *                            address and port (Maglev) instead of the algorithm, so any node agrees
 */
public record L4ListenerConfig(Integer port, String protocol, String pool,
                               ExtensionConfig<BalancerFactory<?>> algorithm,
                               L4TimeoutsConfig timeouts, Boolean acceptProxyProtocol, TlsConfig tls,
                               BackendTlsConfig backendTls, Boolean splice, Boolean udpHash) {

    public L4ListenerConfig {
        port = port == null ? 0 : port;
        protocol = protocol == null ? "tcp" : protocol;
        timeouts = timeouts == null ? L4TimeoutsConfig.inherit() : timeouts;
        acceptProxyProtocol = acceptProxyProtocol != null && acceptProxyProtocol;
        splice = splice != null && splice;
        udpHash = udpHash != null && udpHash;
    }

    /** {@code tcp/443}. */
    public String key() {
        return protocol + "/" + port;
    }
}
