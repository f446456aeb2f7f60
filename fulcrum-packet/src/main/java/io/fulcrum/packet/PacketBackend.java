package io.fulcrum.packet;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.packet.wire.Frames;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A pool member as the packet path sends to it: the shared live {@link Backend} (health, drains
 * and weights act on it) with its address as two longs and its MAC address, learnt from its ARP
 * replies or neighbour advertisements (0 until then).
 */
final class PacketBackend {

    final Backend backend;
    final long hi;
    final long lo;
    final int port;
    final boolean v4;
    /** Written by the packet thread only; read for display. */
    volatile long mac;
    long lastSolicitedNanos;

    PacketBackend(Backend backend) throws UnknownHostException {
        this.backend = backend;
        long[] a = Frames.split(InetAddress.getByName(backend.host()));
        this.hi = a[0];
        this.lo = a[1];
        this.port = backend.port();
        this.v4 = Frames.isV4(hi, lo);
    }

    @Override
    public String toString() {
        return backend.pool() + "/" + backend.name();
    }
}
