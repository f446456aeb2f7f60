package io.fulcrum.proxy.testing;

import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import io.fulcrum.testsupport.config.PoolConfigBuilder;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.balance.BalancerFactory;
import io.fulcrum.core.balance.MaglevSettings;
import io.fulcrum.core.balance.RingHashSettings;
import io.fulcrum.core.config.HashKeyConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.extension.ExtensionConfig;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.RetryConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.ServerSettings;

import java.util.List;

/** Small builders for test configurations (every unspecified field keeps its default). */
public final class TestConfigs {

    private TestConfigs() {
    }

    public static ServerSettings server() {
        return new ServerSettings(2, "site-a", "node-a", java.time.Duration.ofSeconds(5),
                java.time.Duration.ofMillis(100), null, null, null, null);
    }

    /** One listener on an ephemeral port with a default route to one pool. */
    public static FulcrumConfig single(PoolConfig pool) {
        return single(listener(List.of(new RouteConfig("default", null, pool.name(), null))), pool);
    }

    /** This listener and this pool, on {@link #server()}'s settings, with no access log. */
    public static FulcrumConfig single(ListenerConfig listener, PoolConfig pool) {
        return FulcrumConfigBuilder.config().server(server()).noAccessLog().listener(listener).pool(pool).build();
    }

    public static ListenerConfig listener(List<RouteConfig> routes) {
        return ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0)).routes(routes).build();
    }

    public static PoolConfig pool(String name, String algorithm, List<BackendConfig> backends) {
        return pool(name, algorithm, null, backends);
    }

    /** A pool of {@code maglev} or {@code ring-hash} hashing {@code key}, or of another algorithm when it is null. */
    public static PoolConfig pool(String name, String algorithm, HashKeyConfig key, List<BackendConfig> backends) {
        ExtensionConfig<BalancerFactory<?>> chosen = key == null ? ExtensionConfig.of(algorithm)
                : new ExtensionConfig<>(algorithm, algorithm.equals("maglev") ? new MaglevSettings(key, null)
                : new RingHashSettings(key, null));
        return PoolConfigBuilder.pool(name).algorithm(chosen).backends(backends).build();
    }

    public static PoolConfig poolWithRetries(String name, String algorithm, int retries, List<BackendConfig> backends) {
        return PoolConfigBuilder.pool(name)
                .algorithm(ExtensionConfig.of(algorithm))
                .retries(new RetryConfig(retries, true, true, null))
                .backends(backends)
                .build();
    }

    public static BackendConfig backend(TestBackend b, int weight) {
        return new BackendConfig(b.name(), HostPort.parse(b.address()), weight, null, null, null, null, null);
    }
}
