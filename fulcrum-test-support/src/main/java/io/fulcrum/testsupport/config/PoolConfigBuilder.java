package io.fulcrum.testsupport.config;

import io.fulcrum.core.balance.BalancerFactory;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.BackendTlsConfig;
import io.fulcrum.core.config.KeepAliveConfig;
import io.fulcrum.core.config.PassiveHealthConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.QueueConfig;
import io.fulcrum.core.config.RetryConfig;
import io.fulcrum.core.config.health.PoolHealthConfig;
import io.fulcrum.core.config.scale.AutoscaleConfig;
import io.fulcrum.core.extension.ExtensionConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link PoolConfig} for a test: a name, its backends, and only the fields the test
 * is about; the others keep the record's defaults. {@link #build()} is the one place that
 * calls the record's constructor.
 */
public final class PoolConfigBuilder {

    private final String name;
    private ExtensionConfig<BalancerFactory<?>> algorithm;
    private Integer weightBound;
    private Duration connectTimeout;
    private Duration responseTimeout;
    private RetryConfig retries;
    private QueueConfig queue;
    private PassiveHealthConfig passiveHealth;
    private KeepAliveConfig keepAlive;
    private final List<BackendConfig> backends = new ArrayList<>();
    private String protocol;
    private BackendTlsConfig tls;
    private String proxyProtocol;
    private PoolHealthConfig health;
    private AutoscaleConfig autoscale;

    private PoolConfigBuilder(String name) {
        this.name = name;
    }

    /** A pool of this name with no backend yet. */
    public static PoolConfigBuilder pool(String name) {
        return new PoolConfigBuilder(name);
    }

    /** A builder holding every field of {@code pool}, to change some of them. */
    public static PoolConfigBuilder from(PoolConfig pool) {
        return pool(pool.name()).algorithm(pool.algorithm()).weightBound(pool.weightBound())
                .connectTimeout(pool.connectTimeout()).responseTimeout(pool.responseTimeout()).retries(pool.retries())
                .queue(pool.queue()).passiveHealth(pool.passiveHealth()).keepAlive(pool.keepAlive())
                .backends(pool.backends()).protocol(pool.protocol()).tls(pool.tls())
                .proxyProtocol(pool.proxyProtocol()).health(pool.health()).autoscale(pool.autoscale());
    }

    /** The balancing algorithm by name, without settings ({@code null}: the default). */
    public PoolConfigBuilder algorithm(String value) {
        return algorithm(value == null ? null : ExtensionConfig.of(value));
    }

    public PoolConfigBuilder algorithm(ExtensionConfig<BalancerFactory<?>> value) {
        this.algorithm = value;
        return this;
    }

    public PoolConfigBuilder weightBound(Integer value) {
        this.weightBound = value;
        return this;
    }

    public PoolConfigBuilder connectTimeout(Duration value) {
        this.connectTimeout = value;
        return this;
    }

    public PoolConfigBuilder responseTimeout(Duration value) {
        this.responseTimeout = value;
        return this;
    }

    public PoolConfigBuilder retries(RetryConfig value) {
        this.retries = value;
        return this;
    }

    public PoolConfigBuilder queue(QueueConfig value) {
        this.queue = value;
        return this;
    }

    public PoolConfigBuilder passiveHealth(PassiveHealthConfig value) {
        this.passiveHealth = value;
        return this;
    }

    public PoolConfigBuilder keepAlive(KeepAliveConfig value) {
        this.keepAlive = value;
        return this;
    }

    /** Adds backends, in order. */
    public PoolConfigBuilder backends(List<BackendConfig> values) {
        backends.addAll(values);
        return this;
    }

    public PoolConfigBuilder backend(BackendConfig value) {
        backends.add(value);
        return this;
    }

    public PoolConfigBuilder protocol(String value) {
        this.protocol = value;
        return this;
    }

    public PoolConfigBuilder tls(BackendTlsConfig value) {
        this.tls = value;
        return this;
    }

    public PoolConfigBuilder proxyProtocol(String value) {
        this.proxyProtocol = value;
        return this;
    }

    public PoolConfigBuilder health(PoolHealthConfig value) {
        this.health = value;
        return this;
    }

    public PoolConfigBuilder autoscale(AutoscaleConfig value) {
        this.autoscale = value;
        return this;
    }

    public PoolConfig build() {
        return new PoolConfig(name, algorithm, weightBound, connectTimeout, responseTimeout, retries, queue,
                passiveHealth, keepAlive, backends, protocol, tls, proxyProtocol, health, autoscale);
    }
}
