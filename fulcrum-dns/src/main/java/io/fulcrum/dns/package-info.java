/**
 * Fulcrum's authoritative DNS server with GSLB records: {@link io.fulcrum.dns.DnsService}
 * runs it inside a node; {@link io.fulcrum.dns.DnsEngine} is what its event loops answer
 * from; {@link io.fulcrum.dns.DnsStats} counts what it did.
 */
package io.fulcrum.dns;
