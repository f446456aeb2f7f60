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
 * @param memberVips whether the live proxy members of the site are answered too, after {@code v4}/{@code v6}
 */
public record Site(int index, String name, Region region, List<String> countries, double latitude, double longitude,
                   int weight, List<String> vips, List<byte[]> v4, List<String> v4Names, List<byte[]> v6,
                   List<String> v6Names, List<Node> nodes, boolean memberVips) {

    /**
     * A lower-tier DNS node.
     *
     * @param name    wire-form host name (lower case)
     * @param address 4 or 16 bytes
     */
    public record Node(byte[] name, byte[] address) {
    }

    /**
     * The addresses of one family this site answers with: the configured VIPs, then (with
     * {@link #memberVips}) the live proxy members' addresses that are not among them.
     */
    public java.util.List<byte[]> answerAddresses(boolean v6, io.fulcrum.core.cluster.LiveMembers members) {
        java.util.List<byte[]> configured = v6 ? this.v6 : v4;
        if (!memberVips) {
            return configured;
        }
        java.util.List<byte[]> out = new java.util.ArrayList<>(configured);
        for (byte[] a : members.proxyAddresses(name)) {
            if (a.length == (v6 ? 16 : 4) && out.stream().noneMatch(c -> java.util.Arrays.equals(c, a))) {
                out.add(a);
            }
        }
        return out;
    }
}
