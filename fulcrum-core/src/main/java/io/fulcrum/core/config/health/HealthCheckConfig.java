package io.fulcrum.core.config.health;

import java.time.Duration;

/**
 * One active check run against every backend of a pool.
 *
 * @param type         {@code tcp}, {@code http}, {@code https}, {@code tls}, {@code dns}, {@code icmp} or {@code udp}
 * @param interval     time between two checks of one backend
 * @param timeout      time one check may take
 * @param rise         passes in a row that bring a down backend up
 * @param fall         failures in a row that take an up backend down
 * @param jitter       random extra delay (0..jitter) added to each interval, so checks do not align
 * @param port         port to check; default the backend's port
 * @param path         HTTP(S): request path
 * @param host         HTTP(S): Host header; default the backend's host
 * @param expectStatus HTTP(S): accepted statuses, e.g. {@code 200}, {@code 200-399}, {@code 200,204}
 * @param expectBody   HTTP(S): text the body must contain (content verification); UDP: text the reply must contain
 * @param send         UDP: payload to send
 * @param query        DNS: name to ask for
 * @param recordType   DNS: {@code A}, {@code AAAA}, {@code TXT}, {@code CNAME}...
 * @param expect       DNS: text one answer must contain (an address for A/AAAA); UDP: same as expectBody
 * @param verify       HTTPS/TLS: whether the certificate must be trusted and match
 * @param serverName   HTTPS/TLS: SNI name; default the Host or backend host
 */
public record HealthCheckConfig(String type, Duration interval, Duration timeout, Integer rise, Integer fall,
                                Duration jitter, Integer port, String path, String host, String expectStatus,
                                String expectBody, String send, String query, String recordType, String expect,
                                Boolean verify, String serverName) {

    public HealthCheckConfig {
        type = type == null ? "tcp" : type;
        interval = interval == null ? Duration.ofSeconds(2) : interval;
        timeout = timeout == null ? Duration.ofSeconds(1) : timeout;
        rise = rise == null ? 2 : rise;
        fall = fall == null ? 3 : fall;
        jitter = jitter == null ? Duration.ZERO : jitter;
        path = path == null ? "/" : path;
        expectStatus = expectStatus == null ? "200-399" : expectStatus;
        recordType = recordType == null ? "A" : recordType;
        verify = verify == null ? Boolean.FALSE : verify;
    }

    /** A check of this type with every other setting defaulted. */
    public static HealthCheckConfig of(String type) {
        return new HealthCheckConfig(type, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null);
    }
}
