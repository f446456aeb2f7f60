package io.fulcrum.core.config.l4;

import java.time.Duration;

/**
 * L4 timeouts at one level (global {@code l4Timeouts}, a virtual service, one of its VIPs,
 * or one listener port). A field left out ({@code null}) is inherited from the level above;
 * the most specific level wins: port, then VIP, then service, then global, then the built-in
 * default.
 *
 * @param connect      time allowed to open a backend connection (default: the pool's {@code connectTimeout})
 * @param idle         a TCP connection with no byte either way for this long is closed; 0 = off (default)
 * @param finTimeout   FIN_TIME_OUT: a connection that one side half-closed is closed after this long
 *                     without traffic (default 3m, 3 × a 60 s MSL)
 * @param staleTimeout STALE_TIME_OUT: an ACTIVE entry with no traffic for this long is purged and its
 *                     connection closed (default 2h15m, longer than TCP keep-alive's 2 h)
 * @param udpSession   a UDP session with no datagram either way for this long is dropped (default 30s)
 */
public record L4TimeoutsConfig(Duration connect, Duration idle, Duration finTimeout, Duration staleTimeout,
                               Duration udpSession) {

    /** Built-in defaults (connect {@code null}: the pool's connect timeout). */
    public static final L4TimeoutsConfig BUILT_IN = new L4TimeoutsConfig(null, Duration.ZERO, Duration.ofMinutes(3),
            Duration.ofMinutes(135), Duration.ofSeconds(30));

    /** Nothing set: everything inherited. */
    public static L4TimeoutsConfig inherit() {
        return new L4TimeoutsConfig(null, null, null, null, null);
    }

    /** This level over {@code parent}: each field set here wins, the others come from the parent. */
    public L4TimeoutsConfig over(L4TimeoutsConfig parent) {
        if (parent == null) {
            return this;
        }
        return new L4TimeoutsConfig(connect != null ? connect : parent.connect, idle != null ? idle : parent.idle,
                finTimeout != null ? finTimeout : parent.finTimeout,
                staleTimeout != null ? staleTimeout : parent.staleTimeout,
                udpSession != null ? udpSession : parent.udpSession);
    }
}
