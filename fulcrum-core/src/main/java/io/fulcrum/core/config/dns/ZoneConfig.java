package io.fulcrum.core.config.dns;

import java.time.Duration;
import java.util.List;

/**
 * One zone: from an RFC 1035 zone file, inline records, or both (inline records are added
 * to the file's).
 *
 * @param name    the apex ({@code example.test})
 * @param file    an RFC 1035 master file; its SOA is used when {@code soa} is absent
 * @param ttl     TTL of inline records that give none
 * @param soa     the SOA record (required without a file)
 * @param records inline records
 */
public record ZoneConfig(String name, String file, Duration ttl, SoaConfig soa, List<RecordConfig> records) {

    public ZoneConfig {
        ttl = ttl == null ? Duration.ofSeconds(60) : ttl;
        records = records == null ? List.of() : List.copyOf(records);
    }
}
