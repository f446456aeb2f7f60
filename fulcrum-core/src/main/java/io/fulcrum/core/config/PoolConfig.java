package io.fulcrum.core.config;

import io.fulcrum.core.balance.BalancerFactory;
import io.fulcrum.core.balance.BuiltInAlgorithms;
import io.fulcrum.core.config.health.PoolHealthConfig;
import io.fulcrum.core.config.scale.AutoscaleConfig;
import io.fulcrum.core.extension.ExtensionConfig;

import java.time.Duration;
import java.util.List;

/**
 * A pool of backends and how requests are spread over them.
 *
 * @param name           unique name
 * @param algorithm      balancing algorithm, by name with its settings (see
 *                       {@code io.fulcrum.core.balance.BalancerRegistry}); default round robin
 * @param weightBound    cap applied to every backend weight
 * @param connectTimeout time allowed to open a backend connection
 * @param responseTimeout time allowed for the backend's response header after the request was sent; 0 = the listener's request timeout
 * @param retries        how many other backends are tried after a failure
 * @param queue          bounded wait queue used when every backend is at its max connections
 * @param passiveHealth  outlier ejection from the proxy's own traffic
 * @param keepAlive      pooled keep-alive connections to backends
 * @param backends       the backends
 * @param protocol       how Fulcrum talks to the backends: {@code http/1.1} (default), {@code h2c}
 *                       (HTTP/2 by prior knowledge, cleartext) or {@code h2} (HTTP/2 over TLS, needs {@code tls})
 * @param tls            TLS to the backends, or {@code null} for cleartext
 * @param proxyProtocol  PROXY protocol header sent first on every backend connection: {@code none} (default),
 *                       {@code v1} or {@code v2}
 * @param health         active checks, agents, adaptive weights, rules and schedules (see docs/health.md)
 * @param autoscale      the autoscale policy: members started and stopped by a provisioner as the load
 *                       follows a target (see docs/autoscaling.md); {@code null} = a fixed set of backends
 */
public record PoolConfig(
        @Required String name,
        ExtensionConfig<BalancerFactory<?>> algorithm,
        Integer weightBound,
        Duration connectTimeout,
        Duration responseTimeout,
        RetryConfig retries,
        QueueConfig queue,
        PassiveHealthConfig passiveHealth,
        KeepAliveConfig keepAlive,
        List<BackendConfig> backends,
        String protocol,
        BackendTlsConfig tls,
        String proxyProtocol,
        PoolHealthConfig health,
        AutoscaleConfig autoscale) {

    /** The default backend protocol. */
    public static final String HTTP1 = "http/1.1";

    /** The algorithm of a pool that names none. */
    public static final String DEFAULT_ALGORITHM = BuiltInAlgorithms.RoundRobinFactory.NAME;

    public PoolConfig {
        protocol = protocol == null ? HTTP1 : protocol;
        algorithm = algorithm == null ? ExtensionConfig.of(DEFAULT_ALGORITHM) : algorithm;
        weightBound = weightBound == null ? 256 : weightBound;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(3) : connectTimeout;
        responseTimeout = responseTimeout == null ? Duration.ZERO : responseTimeout;
        retries = retries == null ? RetryConfig.defaults() : retries;
        queue = queue == null ? QueueConfig.defaults() : queue;
        passiveHealth = passiveHealth == null ? PassiveHealthConfig.defaults() : passiveHealth;
        keepAlive = keepAlive == null ? KeepAliveConfig.defaults() : keepAlive;
        backends = backends == null ? List.of() : List.copyOf(backends);
        proxyProtocol = proxyProtocol == null ? "none" : proxyProtocol;
        health = health == null ? PoolHealthConfig.none() : health;
    }

    /** This pool with other backends. */
    public PoolConfig withBackends(List<BackendConfig> otherBackends) {
        return new PoolConfig(name, algorithm, weightBound, connectTimeout, responseTimeout, retries, queue,
                passiveHealth, keepAlive, otherBackends, protocol, tls, proxyProtocol, health, autoscale);
    }
}
