package io.fulcrum.packet;

import io.fulcrum.packet.sys.PacketSocket;
import io.fulcrum.packet.wire.Checksums;
import io.fulcrum.packet.wire.Frames;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.fulcrum.packet.wire.Frames.U32;
import static io.fulcrum.packet.wire.Frames.U64;

/**
 * Finds the MAC address of each pool member the packet path sends to: it asks (an ARP probe,
 * a neighbour solicitation from the interface's EUI-64 link-local address) every second until a
 * member answered and every 30 s after, and learns from the ARP frames and advertisements the
 * members send.
 */
final class NeighbourResolver {

    private static final long UNRESOLVED_RETRY = 1_000_000_000L;
    private static final long REFRESH = 30_000_000_000L;

    private final PacketSocket socket;
    private final long mac;
    private final long linkLocalLo;
    private final MemorySegment tx;

    NeighbourResolver(PacketSocket socket, MemorySegment scratch) {
        this.socket = socket;
        this.mac = socket.mac();
        this.tx = scratch;
        // fe80::/64 with the modified EUI-64 of the MAC (RFC 4291 appendix A)
        long oui = (mac >>> 24) ^ 0x02_0000;
        this.linkLocalLo = (oui << 40) | (0xFFFEL << 24) | (mac & 0xFF_FFFF);
    }

    /** An ARP frame (request or reply): its sender's address, if a member's. */
    void arp(MemorySegment m, long off, int len, ServiceTable table) {
        if (len < 42 || Frames.u16(m, off + 16) != Frames.TYPE_IPV4) {
            return;
        }
        table.learn(0, Frames.ipv4(m, off + 28), Frames.mac(m, off + 22));
    }

    /** A neighbour advertisement: its target's MAC (option 2, else the frame's source), if a member's. */
    void advertisement(MemorySegment m, long off, long icmp, int icmpLength, ServiceTable table) {
        if (icmpLength < 24) {
            return;
        }
        long learnt = Frames.mac(m, off + 6);
        for (long opt = icmp + 24; opt + 8 <= icmp + icmpLength; ) {
            int type = Frames.u8(m, opt);
            int units = Frames.u8(m, opt + 1);
            if (units == 0) {
                break;
            }
            if (type == 2 && units == 1) {
                learnt = Frames.mac(m, opt + 2);
            }
            opt += units * 8L;
        }
        table.learn(m.get(U64, icmp + 8), m.get(U64, icmp + 16), learnt);
    }

    /** Asks the members that are due. */
    void solicit(ServiceTable table, long now) {
        for (PacketBackend b : table.backends) {
            long due = b.mac == 0 ? UNRESOLVED_RETRY : REFRESH;
            if (b.lastSolicitedNanos != 0 && now - b.lastSolicitedNanos < due) {
                continue;
            }
            b.lastSolicitedNanos = now;
            if (b.v4) {
                arpProbe((int) b.lo);
            } else {
                solicitation(b.hi, b.lo);
            }
        }
    }

    private void arpProbe(int targetIp) {
        Frames.putMac(tx, 0, Frames.BROADCAST);
        Frames.putMac(tx, 6, mac);
        Frames.put16(tx, 12, Frames.TYPE_ARP);
        Frames.put16(tx, 14, 1);
        Frames.put16(tx, 16, Frames.TYPE_IPV4);
        tx.set(ValueLayout.JAVA_BYTE, 18, (byte) 6);
        tx.set(ValueLayout.JAVA_BYTE, 19, (byte) 4);
        Frames.put16(tx, 20, 1);
        Frames.putMac(tx, 22, mac);
        tx.set(U32, 28, 0); // a probe: the member answers to our MAC without taking any address of ours
        Frames.putMac(tx, 32, 0);
        tx.set(U32, 38, targetIp);
        tx.asSlice(42, 18).fill((byte) 0);
        socket.send(tx, 60);
    }

    private void solicitation(long hi, long lo) {
        long groupLo = 0x0000_0001_FF00_0000L | (lo & 0xFF_FFFF); // ff02::1:ffXX:XXXX
        long groupMac = 0x3333_FF00_0000L | (lo & 0xFF_FFFF);
        VipResponder.writeIcmp6Header(tx, groupMac, mac, 0xFE80_0000_0000_0000L, linkLocalLo,
                0xFF02_0000_0000_0000L, groupLo, 32);
        long icmp = 54;
        tx.set(ValueLayout.JAVA_BYTE, icmp, (byte) 135);
        tx.set(ValueLayout.JAVA_BYTE, icmp + 1, (byte) 0);
        Frames.put16(tx, icmp + 2, 0);
        tx.set(U32, icmp + 4, 0);
        tx.set(U64, icmp + 8, hi);
        tx.set(U64, icmp + 16, lo);
        tx.set(ValueLayout.JAVA_BYTE, icmp + 24, (byte) 1); // source link-layer address
        tx.set(ValueLayout.JAVA_BYTE, icmp + 25, (byte) 1);
        Frames.putMac(tx, icmp + 26, mac);
        Frames.put16(tx, icmp + 2, Checksums.transport(tx, 14, true, icmp, 32, Frames.PROTO_ICMPV6, 2));
        socket.send(tx, 54 + 32);
    }
}
