package io.fulcrum.dns.gslb;

import io.fulcrum.dns.geo.Region;

import java.util.List;

/**
 * A site as the GSLB policies see it.
 *
 * @param index     position in the snapshot's site list
 * @param name      its name (as the site-state view knows it)
 * @param region    its registry region ({@code null} when not given)
 * @param countries ISO country codes it serves best (upper case)
 * @param latitude  degrees
 * @param longitude degrees
 * @param weight    share for {@code weighted}
 * @param vips      VIP literals as configured (for the site-state view)
 * @param v4        IPv4 VIPs, 4 bytes each, in the order of {@code vips}
 * @param v4Names   the configured text of each of {@code v4}
 * @param v6        IPv6 VIPs, 16 bytes each
 * @param v6Names   the configured text of each of {@code v6}
 * @param nodes     lower-tier GSLB DNS nodes
 */
public record Site(int index, String name, Region region, List<String> countries, double latitude, double longitude,
                   int weight, List<String> vips, List<byte[]> v4, List<String> v4Names, List<byte[]> v6,
                   List<String> v6Names, List<Node> nodes) {

    /**
     * A lower-tier DNS node.
     *
     * @param name    wire-form host name (lower case)
     * @param address 4 or 16 bytes
     */
    public record Node(byte[] name, byte[] address) {
    }
}
