package io.fulcrum.core.config.gslb;

import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.health.BuiltInCheckTypes;
import io.fulcrum.core.config.health.HealthCheckConfig;
import io.fulcrum.core.extension.ExtensionConfig;

import java.time.Duration;

/**
 * One VIP of a site.
 *
 * @param address        {@code host:port} clients connect to
 * @param listener       on the own site: the proxy listener serving this VIP (its pools give the capacity)
 * @param check          how the sites check it: any check a pool can run ({@code pools[].health.checks[]}),
 *                       against the VIP's host and port; default {@link #DEFAULT_CHECK}
 * @param maxConnections the VIP's capacity in concurrent requests; 0 = the sum of its backends' max connections
 */
public record VipConfig(HostPort address, String listener, HealthCheckConfig check, Integer maxConnections) {

    /**
     * The check of a VIP that names none: {@code GET /} every 5 s within 2 s, passing on a 2xx
     * only (a 3xx is the VIP handing its clients off to another site, not serving them),
     * down after 2 failures, up after 2 passes.
     */
    public static final HealthCheckConfig DEFAULT_CHECK = new HealthCheckConfig(
            new ExtensionConfig<>("http", new BuiltInCheckTypes.HttpSettings("/", null, "200-299", null, null, null)),
            Duration.ofSeconds(5), Duration.ofSeconds(2), 2, 2, null, null);

    public VipConfig {
        check = check == null ? DEFAULT_CHECK : check;
        maxConnections = maxConnections == null ? 0 : maxConnections;
    }
}
