package io.fulcrum.core.config.site;

import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.PortOptional;
import io.fulcrum.core.config.ShortForm;
import io.fulcrum.core.config.health.BuiltInCheckTypes;
import io.fulcrum.core.config.health.HealthCheckConfig;
import io.fulcrum.core.extension.ExtensionConfig;

import java.time.Duration;

/**
 * One VIP of a site. DNS answers with its host (an IP literal); GSLB checks it and hands
 * clients off to it at {@link #endpoint()}. May be written as the address alone
 * ({@code - 192.0.2.10:80}).
 *
 * @param address        {@code host:port}, or the host alone: a VIP without a port is
 *                       served on {@link #DEFAULT_PORT} (HTTP) as far as GSLB is concerned
 * @param listener       on the own site: the proxy listener serving this VIP (its pools give the capacity)
 * @param check          how the sites check it: any check a pool can run ({@code pools[].health.checks[]}),
 *                       against {@link #endpoint()}; default {@link #DEFAULT_CHECK}
 * @param maxConnections the VIP's capacity in concurrent requests; 0 = the sum of its backends' max connections
 */
@ShortForm
public record VipConfig(@PortOptional HostPort address, String listener, HealthCheckConfig check,
                        Integer maxConnections) {

    /** The port GSLB checks and hands off to when the address has none: HTTP's. */
    public static final int DEFAULT_PORT = 80;

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

    /** A VIP at this address with the defaults. */
    public static VipConfig at(HostPort address) {
        return new VipConfig(address, null, null, null);
    }

    /** The host and port GSLB checks and hands off to: the address, on {@link #DEFAULT_PORT} when it has no port. */
    public HostPort endpoint() {
        return address == null || address.port() != 0 ? address : HostPort.of(address.host(), DEFAULT_PORT);
    }
}
