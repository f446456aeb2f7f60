package io.fulcrum.core.config.dns;

import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.MovedField;

import java.time.Duration;
import java.util.List;

/**
 * The authoritative DNS server of this node.
 *
 * @param listen         addresses ({@code host:port}) served over both UDP and TCP; empty = DNS off
 * @param threads        threads answering queries (on Linux, each UDP thread with a socket of its own on the port, SO_REUSEPORT)
 * @param udpPayloadSize largest UDP reply sent to an EDNS client (our advertised payload size)
 * @param geoDatabase    a GeoIP2 / DB-IP {@code .mmdb} country database; absent = the built-in registry table
 * @param stickyEntries  most client subnets remembered by {@code sticky} policies (per record)
 * @param zones          the zones this server is authoritative for
 * @param gslb           names answered by a policy chain from the top-level {@code sites}
 * @param warmUp         the longest the answer path is run on made-up queries before the sockets first open
 *                       (it ends earlier once the JVM's compilers are quiet); {@code 0s} = no warm-up
 */
@MovedField(name = "sites", movedTo = "the top-level sites: list (shared with gslb)")
public record DnsConfig(
        List<HostPort> listen,
        Integer threads,
        Integer udpPayloadSize,
        String geoDatabase,
        Integer stickyEntries,
        List<ZoneConfig> zones,
        List<GslbRecordConfig> gslb,
        Duration warmUp) {

    /** The EDNS payload size advertised when {@code udpPayloadSize} is not given (the DNS flag day 2020 value). */
    public static final int DEFAULT_UDP_PAYLOAD_SIZE = 1232;

    /** The warm-up's bound when {@code warmUp} is not given. */
    public static final Duration DEFAULT_WARM_UP = Duration.ofSeconds(2);

    public DnsConfig {
        listen = listen == null ? List.of() : List.copyOf(listen);
        threads = threads == null ? 1 : threads;
        udpPayloadSize = udpPayloadSize == null ? DEFAULT_UDP_PAYLOAD_SIZE : udpPayloadSize;
        stickyEntries = stickyEntries == null ? 100_000 : stickyEntries;
        zones = zones == null ? List.of() : List.copyOf(zones);
        gslb = gslb == null ? List.of() : List.copyOf(gslb);
        warmUp = warmUp == null ? DEFAULT_WARM_UP : warmUp;
    }

    /** No DNS server. */
    public static DnsConfig off() {
        return new DnsConfig(null, null, null, null, null, null, null, null);
    }

    /** Whether a server is configured at all. */
    public boolean enabled() {
        return !listen.isEmpty();
    }
}
