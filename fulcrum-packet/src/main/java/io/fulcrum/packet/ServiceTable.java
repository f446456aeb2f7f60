package io.fulcrum.packet;

import java.util.List;

/**
 * What the packet thread of one interface serves, immutable: its listeners, the pool members it
 * resolves and the VIPs it answers ARP/NDP for. A reload publishes a new one; flows keep the
 * listener they started with.
 */
final class ServiceTable {

    static final ServiceTable EMPTY = new ServiceTable(List.of(), List.of(), List.of());

    private final PacketListener[] listeners;
    final PacketBackend[] backends;
    /** Owned VIPs, each once: {@code [hi, lo]} pairs. */
    final long[][] vips;

    ServiceTable(List<PacketListener> listeners, List<PacketBackend> backends, List<long[]> vips) {
        this.listeners = listeners.toArray(new PacketListener[0]);
        this.backends = backends.toArray(new PacketBackend[0]);
        this.vips = vips.toArray(new long[0][]);
    }

    /** The listener of a destination, or null: the frame is not for a VIP. */
    PacketListener find(int proto, long hi, long lo, int port) {
        for (PacketListener l : listeners) {
            if (l.matches(proto, hi, lo, port)) {
                return l;
            }
        }
        return null;
    }

    boolean ownsVip(long hi, long lo) {
        for (long[] v : vips) {
            if (v[0] == hi && v[1] == lo) {
                return true;
            }
        }
        return false;
    }

    /**
     * Records the MAC address of every member at this address (listeners of one pool each have
     * their own member objects for the same server).
     */
    void learn(long hi, long lo, long mac) {
        for (PacketBackend b : backends) {
            if (b.lo == lo && b.hi == hi) {
                b.mac = mac;
            }
        }
    }
}
