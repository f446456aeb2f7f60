package io.fulcrum.core.config.dns;

import java.time.Duration;
import java.util.List;

/**
 * Inline records of one name and type. Values are written as in a zone file's RDATA
 * ({@code 10 mail.example.test.} for MX, {@code 0 5 443 svc.example.test.} for SRV,
 * {@code "some text"} for TXT).
 *
 * @param name   owner, relative to the zone ({@code www}, {@code @} for the apex) or absolute with a final dot
 * @param type   SOA is not allowed here; one of NS, A, AAAA, CNAME, TXT, MX, SRV, PTR
 * @param ttl    TTL; default the zone's
 * @param value  one value
 * @param values several values (one record each)
 */
public record RecordConfig(String name, String type, Duration ttl, String value, List<String> values) {

    public RecordConfig {
        name = name == null ? "@" : name;
        values = values == null ? List.of() : List.copyOf(values);
    }

    /** {@code value} and {@code values} together. */
    public List<String> allValues() {
        if (value == null) {
            return values;
        }
        var all = new java.util.ArrayList<String>(values.size() + 1);
        all.add(value);
        all.addAll(values);
        return all;
    }
}
