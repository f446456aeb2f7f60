package io.fulcrum.core.backend;

import java.time.Instant;

/**
 * One active health-check result with its timings, as kept on a {@link Backend}.
 * Timings are in nanoseconds; a phase that did not happen (no DNS lookup, no
 * response) is -1.
 *
 * @param check          check type ({@code tcp}, {@code http}, {@code https}, {@code tls}, {@code dns}, {@code icmp}, {@code udp})
 * @param ok             whether the check passed
 * @param detail         what was seen, or why it failed
 * @param time           when it finished
 * @param dnsNanos       name resolution
 * @param connectNanos   connection set-up (TCP connect, plus the TLS handshake for TLS checks)
 * @param firstByteNanos from the start to the first response byte
 * @param totalNanos     from the start to the end of the check
 * @param responseBytes  bytes of response read (-1 when none)
 * @param averageNanos   time-weighted average of {@code totalNanos} over recent passing checks (-1 before any)
 * @param consecutive    passes (when ok) or failures in a row, this one included
 */
public record CheckReport(String check, boolean ok, String detail, Instant time, long dnsNanos, long connectNanos,
                          long firstByteNanos, long totalNanos, long responseBytes, long averageNanos,
                          int consecutive) {
}
