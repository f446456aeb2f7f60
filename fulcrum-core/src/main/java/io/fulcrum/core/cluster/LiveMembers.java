package io.fulcrum.core.cluster;

/**
 * Which cluster members are alive, as the DNS answers need it: a site's proxy VIP is
 * answered only while a live proxy member of that site has that address, and an upper-tier
 * referral names only lower-tier DNS nodes that are live members. The cluster's membership
 * view keeps it ({@code fulcrum-cluster}); the DNS server reads it on its event loops.
 *
 * <p>Reads are cheap and thread-safe. {@link #version()} changes whenever an answer here
 * may have changed, so readers may cache what they derive from it.
 */
public interface LiveMembers {

    /** Whether a live member with the {@code proxy} role at {@code site} has this address (4 or 16 bytes). */
    boolean proxyLive(String site, byte[] address);

    /** Whether a live member with the {@code dns} role at {@code site} has this address (4 or 16 bytes). */
    boolean dnsNodeLive(String site, byte[] address);

    /**
     * The addresses (4 or 16 bytes each) of the live members with the {@code proxy} role at {@code site},
     * in a stable order: what a site whose VIPs come from its members ({@code sites[].memberVips}) answers
     * with, so a proxy that registers is answered and one that drains or fails is not. None outside a cluster.
     */
    default java.util.List<byte[]> proxyAddresses(String site) {
        return java.util.List.of();
    }

    /** Increases every time an answer of this view may have changed. */
    long version();

    /** A node outside a cluster: every address counts as live (the configured lists are the truth). */
    static LiveMembers everyone() {
        return Everyone.INSTANCE;
    }

    /** The {@link #everyone()} view. */
    enum Everyone implements LiveMembers {
        INSTANCE;

        @Override
        public boolean proxyLive(String site, byte[] address) {
            return true;
        }

        @Override
        public boolean dnsNodeLive(String site, byte[] address) {
            return true;
        }

        @Override
        public long version() {
            return 0;
        }
    }
}
