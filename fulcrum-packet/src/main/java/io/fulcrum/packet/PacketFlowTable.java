package io.fulcrum.packet;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.balance.Hashing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The packet path's connection table: chained hash indexes by (protocol, client address and port,
 * VIP and port), and for DNAT by (protocol, backend address and port, client address and port) to
 * translate replies back. Lookups allocate nothing; an entry is created per flow.
 *
 * <p>Changed by the packet thread only, always under this object's monitor (held per ring block),
 * so the admin API's snapshot sees a consistent table.
 */
final class PacketFlowTable {

    private PacketFlow[] forward;
    private PacketFlow[] reverse;
    private int size;

    PacketFlowTable(int initialBuckets) {
        int n = Integer.highestOneBit(Math.max(16, initialBuckets - 1)) << 1;
        forward = new PacketFlow[n];
        reverse = new PacketFlow[n];
    }

    private static int hash(int proto, long aHi, long aLo, int aPort, long bHi, long bLo, int bPort) {
        long h = Hashing.combine(Hashing.combine(aHi, aLo), ((long) proto << 32) | ((long) aPort << 16) | bPort);
        return (int) Hashing.mix(Hashing.combine(h, Hashing.combine(bHi, bLo)));
    }

    int size() {
        return size;
    }

    /** The entry of a client's flow to a VIP port, or null. */
    PacketFlow find(int proto, long cHi, long cLo, int cPort, long vHi, long vLo, int vPort) {
        int i = hash(proto, cHi, cLo, cPort, vHi, vLo, vPort) & (forward.length - 1);
        for (PacketFlow f = forward[i]; f != null; f = f.next) {
            if (f.clientPort == cPort && f.clientLo == cLo && f.clientHi == cHi && f.protocol == proto
                    && f.listener.port == vPort && f.listener.vipLo == vLo && f.listener.vipHi == vHi) {
                return f;
            }
        }
        return null;
    }

    /** The DNAT entry a reply from a backend to a client belongs to, or null. */
    PacketFlow findReply(int proto, long bHi, long bLo, int bPort, long cHi, long cLo, int cPort) {
        int i = hash(proto, bHi, bLo, bPort, cHi, cLo, cPort) & (reverse.length - 1);
        for (PacketFlow f = reverse[i]; f != null; f = f.nextReverse) {
            if (f.clientPort == cPort && f.clientLo == cLo && f.clientHi == cHi && f.protocol == proto
                    && f.backendPort() == bPort && f.backend.lo == bLo && f.backend.hi == bHi) {
                return f;
            }
        }
        return null;
    }

    /** Adds a new ACTIVE entry; counts it on its backend. */
    void add(PacketFlow f) {
        if (size >= forward.length) {
            grow();
        }
        link(f);
        size++;
        f.counters.flowOpened();
        f.backend.backend.requestStarted();
    }

    private void link(PacketFlow f) {
        int i = hash(f.protocol, f.clientHi, f.clientLo, f.clientPort, f.listener.vipHi, f.listener.vipLo,
                f.listener.port) & (forward.length - 1);
        f.next = forward[i];
        forward[i] = f;
        if (f.listener.dnat) {
            int r = hash(f.protocol, f.backend.hi, f.backend.lo, f.backendPort(), f.clientHi, f.clientLo,
                    f.clientPort) & (reverse.length - 1);
            f.nextReverse = reverse[r];
            reverse[r] = f;
        }
    }

    private void grow() {
        PacketFlow[] old = forward;
        forward = new PacketFlow[old.length * 2];
        reverse = new PacketFlow[old.length * 2];
        for (PacketFlow head : old) {
            for (PacketFlow f = head; f != null; ) {
                PacketFlow n = f.next;
                f.next = null;
                f.nextReverse = null;
                link(f);
                f = n;
            }
        }
    }

    /** A client FIN: ACTIVE becomes FIN (once). */
    void fin(PacketFlow f) {
        if (f.state == PacketFlow.State.ACTIVE) {
            f.state = PacketFlow.State.FIN;
            f.counters.flowFinishing();
        }
    }

    /** Removes an entry; it counts as completed. */
    void remove(PacketFlow f) {
        int i = hash(f.protocol, f.clientHi, f.clientLo, f.clientPort, f.listener.vipHi, f.listener.vipLo,
                f.listener.port) & (forward.length - 1);
        PacketFlow prev = null;
        for (PacketFlow e = forward[i]; e != null; prev = e, e = e.next) {
            if (e == f) {
                if (prev == null) {
                    forward[i] = e.next;
                } else {
                    prev.next = e.next;
                }
                break;
            }
        }
        if (f.listener.dnat) {
            int r = hash(f.protocol, f.backend.hi, f.backend.lo, f.backendPort(), f.clientHi, f.clientLo,
                    f.clientPort) & (reverse.length - 1);
            PacketFlow p = null;
            for (PacketFlow e = reverse[r]; e != null; p = e, e = e.nextReverse) {
                if (e == f) {
                    if (p == null) {
                        reverse[r] = e.nextReverse;
                    } else {
                        p.nextReverse = e.nextReverse;
                    }
                    break;
                }
            }
        }
        size--;
        f.counters.flowClosed(f.state == PacketFlow.State.FIN);
        f.backend.backend.requestFinished();
    }

    /** Removes the entries past their timeouts; returns how many. */
    int sweep(long now) {
        List<PacketFlow> gone = new ArrayList<>();
        forEach(f -> {
            if (f.expired(now)) {
                gone.add(f);
            }
        });
        gone.forEach(this::remove);
        return gone.size();
    }

    /** Removes every entry of a backend (it failed); returns how many. */
    int purge(Backend b) {
        List<PacketFlow> gone = new ArrayList<>();
        forEach(f -> {
            if (f.backend.backend == b) {
                gone.add(f);
            }
        });
        gone.forEach(this::remove);
        return gone.size();
    }

    void forEach(Consumer<PacketFlow> action) {
        for (PacketFlow head : forward) {
            for (PacketFlow f = head; f != null; f = f.next) {
                action.accept(f);
            }
        }
    }
}
