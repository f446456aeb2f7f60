package io.fulcrum.dns.zone;

import io.fulcrum.dns.wire.RecordData;

/**
 * A zone as the server needs it at query time.
 *
 * @param apex        lower-case wire-form apex
 * @param displayName the apex as text
 * @param negativeSoa the SOA with the negative-caching TTL (min of its TTL and MINIMUM)
 * @param soaTail     that SOA encoded from its type field on, owner left out (NXDOMAIN answers)
 */
public record Zone(byte[] apex, String displayName, RecordData negativeSoa, byte[] soaTail) {
}
