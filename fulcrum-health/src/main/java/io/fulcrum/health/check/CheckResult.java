package io.fulcrum.health.check;

/**
 * The outcome of one check run. Timings are nanoseconds from the start of the
 * check; -1 for a phase that did not happen.
 *
 * @param ok             passed
 * @param timedOut       failed because it took longer than its timeout
 * @param detail         what was seen (status, answer) or why it failed
 * @param dnsNanos       name resolution time
 * @param connectNanos   time to connect (and finish the TLS handshake, for TLS checks)
 * @param firstByteNanos time to the first response byte
 * @param totalNanos     time of the whole check
 * @param responseBytes  bytes read in response (-1 when none)
 */
public record CheckResult(boolean ok, boolean timedOut, String detail, long dnsNanos, long connectNanos,
                          long firstByteNanos, long totalNanos, long responseBytes) {

    /** A failure with no timings beyond the total. */
    public static CheckResult failed(String detail, long totalNanos) {
        return new CheckResult(false, false, detail, -1, -1, -1, totalNanos, -1);
    }

    /** A failure because the timeout passed. */
    public static CheckResult timeout(String detail, long totalNanos) {
        return new CheckResult(false, true, detail, -1, -1, -1, totalNanos, -1);
    }
}
