package io.fulcrum.core.config.dns;

import java.time.Duration;

/**
 * The SOA record of an inline zone.
 *
 * @param mname   primary name server; default {@code ns1.<zone>}
 * @param rname   mailbox of the person responsible, as a name or {@code user@host}; default {@code hostmaster.<zone>}
 * @param serial  serial number
 * @param refresh secondary refresh interval
 * @param retry   secondary retry interval
 * @param expire  secondary expiry
 * @param minimum negative-caching TTL (NXDOMAIN and NODATA answers)
 */
public record SoaConfig(String mname, String rname, Long serial, Duration refresh, Duration retry, Duration expire,
                        Duration minimum) {

    public SoaConfig {
        serial = serial == null ? 1L : serial;
        refresh = refresh == null ? Duration.ofHours(1) : refresh;
        retry = retry == null ? Duration.ofMinutes(10) : retry;
        expire = expire == null ? Duration.ofDays(7) : expire;
        minimum = minimum == null ? Duration.ofSeconds(60) : minimum;
    }

    /** Every field defaulted. */
    public static SoaConfig defaults() {
        return new SoaConfig(null, null, null, null, null, null, null);
    }
}
