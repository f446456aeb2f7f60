package io.fulcrum.l4.testing;

import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.testsupport.config.PoolConfigBuilder;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.RetryConfig;
import io.fulcrum.core.config.ServerSettings;
import io.fulcrum.core.config.l4.L4ListenerConfig;
import io.fulcrum.core.config.l4.L4TimeoutsConfig;
import io.fulcrum.core.config.l4.VirtualServiceConfig;

import io.fulcrum.core.extension.ExtensionConfig;

import java.time.Duration;
import java.util.List;

/** Small builders for L4 test configurations. */
public final class L4Configs {

    private L4Configs() {
    }

    public static ServerSettings server() {
        return new ServerSettings(2, "site-a", "node-a", Duration.ofSeconds(5), Duration.ofMillis(100), null, null, null, null);
    }

    /** A configuration with these pools and virtual services, no HTTP listener. */
    public static FulcrumConfig of(List<PoolConfig> pools, List<VirtualServiceConfig> services) {
        return FulcrumConfigBuilder.config()
                .server(server())
                .noAccessLog()
                .listeners(List.of())
                .pools(pools)
                .virtualServices(services)
                .build();
    }

    public static PoolConfig pool(String name, String algorithm, String proxyProtocol, BackendConfig... backends) {
        return PoolConfigBuilder.pool(name)
                .algorithm(algorithm == null ? null : ExtensionConfig.of(algorithm))
                .connectTimeout(Duration.ofSeconds(2))
                .retries(new RetryConfig(2, true, true, null))
                .backends(List.of(backends))
                .proxyProtocol(proxyProtocol)
                .build();
    }

    public static BackendConfig backend(String address, int weight) {
        return new BackendConfig(null, HostPort.parse(address), weight, null, null, null, null, null);
    }

    public static L4ListenerConfig tcp(int port, String pool) {
        return new L4ListenerConfig(port, "tcp", pool, null, null, null, null, null, null, null);
    }

    public static L4ListenerConfig udp(int port, String pool, boolean hash) {
        return new L4ListenerConfig(port, "udp", pool, null, null, null, null, null, null, hash);
    }

    public static VirtualServiceConfig service(String name, List<String> vips, L4ListenerConfig... listeners) {
        return new VirtualServiceConfig(name, vips, null, null, List.of(listeners));
    }

    public static L4TimeoutsConfig timeouts(Duration idle, Duration fin, Duration stale) {
        return new L4TimeoutsConfig(null, idle, fin, stale, null);
    }
}
