package io.fulcrum.health.check;

import io.fulcrum.core.config.health.HealthCheckConfig;

/** Builds the {@link HealthCheck} a configured check describes. */
public final class HealthChecks {

    private HealthChecks() {
    }

    /** The check for this (validated) configuration. */
    public static HealthCheck create(HealthCheckConfig c) {
        return switch (c.type()) {
            case "tcp" -> new TcpCheck(c.timeout());
            case "http", "https" -> new HttpCheck(c.type().equals("https"), c.timeout(), c.path(), c.host(),
                    StatusSet.parse(c.expectStatus()), c.expectBody(), c.serverName(), c.verify());
            case "tls" -> new TlsCheck(c.timeout(), c.serverName(), c.verify());
            case "dns" -> new DnsCheck(c.timeout(), c.query(), c.recordType(), c.expect());
            case "icmp" -> new IcmpCheck(c.timeout());
            case "udp" -> new UdpCheck(c.timeout(), c.send(), c.expect() != null ? c.expect() : c.expectBody());
            default -> throw new IllegalArgumentException("unknown check type " + c.type());
        };
    }
}
