package io.fulcrum.dns.wire;

import java.util.List;

/**
 * A resource record ready to encode: owner (lower-case wire form), type, TTL and its RDATA
 * as parts, where the names of NS, CNAME, PTR, MX and SOA may be compressed (RFC 3597
 * section 4) and everything else is copied as is.
 *
 * @param owner the owner name, wire form
 * @param type  the RR type
 * @param ttl   seconds
 * @param parts the RDATA, in order
 */
public record RecordData(byte[] owner, int type, long ttl, List<Part> parts) {

    /**
     * A piece of RDATA.
     *
     * @param bytes the raw bytes, or a wire-form name
     * @param name  whether {@code bytes} is a name that may be compressed
     */
    public record Part(byte[] bytes, boolean name) {
    }

    /** A record whose RDATA is copied verbatim. */
    public static RecordData raw(byte[] owner, int type, long ttl, byte[] rdata) {
        return new RecordData(owner, type, ttl, List.of(new Part(rdata, false)));
    }

    /** The same record with another TTL. */
    public RecordData withTtl(long newTtl) {
        return new RecordData(owner, type, newTtl, parts);
    }
}
