package io.fulcrum.packet;

import io.fulcrum.l4.table.BackendFlowCounters;

/**
 * One entry of the packet-level connection table (SPEC 2.2 item 3): a client's flow to a
 * (VIP, port), the backend chosen at its SYN (or first datagram), its state and when it was
 * last seen. Owned by the packet thread; read under the table's lock for display.
 */
final class PacketFlow {

    enum State { ACTIVE, FIN }

    final int protocol;
    final long clientHi;
    final long clientLo;
    final int clientPort;
    final PacketListener listener;
    final PacketBackend backend;
    final BackendFlowCounters counters;
    /** The client's (or its router's) MAC, where DNAT sends the translated replies. */
    final long clientMac;
    final long startedNanos;
    long lastNanos;
    State state = State.ACTIVE;
    long bytesIn;
    long bytesOut;
    /** Chains of the two indexes: by (client, VIP) and, for DNAT, by (backend, client). */
    PacketFlow next;
    PacketFlow nextReverse;

    PacketFlow(int protocol, long clientHi, long clientLo, int clientPort, PacketListener listener,
               PacketBackend backend, BackendFlowCounters counters, long clientMac, long now) {
        this.protocol = protocol;
        this.clientHi = clientHi;
        this.clientLo = clientLo;
        this.clientPort = clientPort;
        this.listener = listener;
        this.backend = backend;
        this.counters = counters;
        this.clientMac = clientMac;
        this.startedNanos = now;
        this.lastNanos = now;
    }

    /** The port the backend is reached on: the VIP's in DSR, the member's in DNAT. */
    int backendPort() {
        return listener.dnat ? backend.port : listener.port;
    }

    /** Past its timeout: FIN entries after the FIN timeout, ACTIVE ones after the stale (TCP) or session (UDP) one. */
    boolean expired(long now) {
        long idle = now - lastNanos;
        if (protocol == io.fulcrum.packet.wire.Frames.PROTO_UDP) {
            return idle >= listener.timeouts.udpSessionNanos();
        }
        return idle >= (state == State.FIN ? listener.timeouts.finNanos() : listener.timeouts.staleNanos());
    }
}
