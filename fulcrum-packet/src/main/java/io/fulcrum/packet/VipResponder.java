package io.fulcrum.packet;

import io.fulcrum.packet.sys.PacketSocket;
import io.fulcrum.packet.wire.Checksums;
import io.fulcrum.packet.wire.Frames;

import java.lang.foreign.MemorySegment;

import static io.fulcrum.packet.wire.Frames.U32;
import static io.fulcrum.packet.wire.Frames.U64;

/**
 * Answers ARP requests and IPv6 neighbour solicitations for the VIPs this node owns with the
 * interface's MAC address, and announces a VIP it takes (a gratuitous ARP request, an
 * unsolicited neighbour advertisement to all nodes). A VIP given up is simply no longer
 * answered. Replies are built in a scratch buffer of the packet thread.
 */
final class VipResponder {

    private final PacketSocket socket;
    private final long mac;
    private final MemorySegment tx;
    private long answered;

    VipResponder(PacketSocket socket, MemorySegment scratch) {
        this.socket = socket;
        this.mac = socket.mac();
        this.tx = scratch;
    }

    long answered() {
        return answered;
    }

    /** An ARP frame: a request for an owned VIP gets a reply. */
    void arp(MemorySegment m, long off, int len, ServiceTable table) {
        if (len < 42 || Frames.u16(m, off + 14) != 1 || Frames.u16(m, off + 16) != Frames.TYPE_IPV4
                || Frames.u8(m, off + 18) != 6 || Frames.u8(m, off + 19) != 4 || Frames.u16(m, off + 20) != 1) {
            return;
        }
        long tpa = Frames.ipv4(m, off + 38);
        long spa = Frames.ipv4(m, off + 28);
        if (spa == tpa || !table.ownsVip(0, tpa)) {
            return; // someone else's announcement, or not ours
        }
        long sha = Frames.mac(m, off + 22);
        int requester = m.get(U32, off + 28);
        arpFrame(sha, 2, (int) tpa, sha, requester);
        answered++;
    }

    /** An ICMPv6 neighbour solicitation ({@code icmp} at the ICMPv6 header) for an owned VIP gets an advertisement. */
    void solicitation(MemorySegment m, long off, long icmp, int icmpLength, ServiceTable table) {
        if (icmpLength < 24 || Frames.u8(m, off + 14 + 7) != 255 || Frames.u8(m, icmp + 1) != 0) {
            return; // RFC 4861 7.1.1: hop limit 255, code 0
        }
        long tHi = m.get(U64, icmp + 8);
        long tLo = m.get(U64, icmp + 16);
        if (!table.ownsVip(tHi, tLo)) {
            return;
        }
        long srcHi = m.get(U64, off + 22);
        long srcLo = m.get(U64, off + 30);
        long ethSrc = Frames.mac(m, off + 6);
        if (srcHi == 0 && srcLo == 0) {
            advertisement(tHi, tLo, 0x3333_0000_0001L, 0xFF02_0000_0000_0000L, 1, 0x2000_0000); // DAD: to all nodes
        } else {
            advertisement(tHi, tLo, ethSrc, srcHi, srcLo, 0x6000_0000); // solicited, override
        }
        answered++;
    }

    /** Announces an owned VIP: a gratuitous ARP request, or an unsolicited advertisement to all nodes. */
    void announce(long hi, long lo) {
        if (Frames.isV4(hi, lo)) {
            arpFrame(Frames.BROADCAST, 1, (int) lo, 0, (int) lo);
        } else {
            advertisement(hi, lo, 0x3333_0000_0001L, 0xFF02_0000_0000_0000L, 1, 0x2000_0000); // override
        }
    }

    private void arpFrame(long ethDst, int op, int senderIp, long targetMac, int targetIp) {
        Frames.putMac(tx, 0, ethDst);
        Frames.putMac(tx, 6, mac);
        Frames.put16(tx, 12, Frames.TYPE_ARP);
        Frames.put16(tx, 14, 1);
        Frames.put16(tx, 16, Frames.TYPE_IPV4);
        tx.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 18, (byte) 6);
        tx.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 19, (byte) 4);
        Frames.put16(tx, 20, op);
        Frames.putMac(tx, 22, mac);
        tx.set(U32, 28, senderIp);
        Frames.putMac(tx, 32, targetMac);
        tx.set(U32, 38, targetIp);
        tx.asSlice(42, 18).fill((byte) 0); // padding to the 60-byte minimum
        socket.send(tx, 60);
    }

    private void advertisement(long tHi, long tLo, long ethDst, long dstHi, long dstLo, int flags) {
        writeIcmp6Header(tx, ethDst, mac, tHi, tLo, dstHi, dstLo, 32);
        long icmp = 54;
        tx.set(java.lang.foreign.ValueLayout.JAVA_BYTE, icmp, (byte) 136);
        tx.set(java.lang.foreign.ValueLayout.JAVA_BYTE, icmp + 1, (byte) 0);
        Frames.put16(tx, icmp + 2, 0);
        tx.set(U32, icmp + 4, flags);
        tx.set(U64, icmp + 8, tHi);
        tx.set(U64, icmp + 16, tLo);
        tx.set(java.lang.foreign.ValueLayout.JAVA_BYTE, icmp + 24, (byte) 2); // target link-layer address
        tx.set(java.lang.foreign.ValueLayout.JAVA_BYTE, icmp + 25, (byte) 1);
        Frames.putMac(tx, icmp + 26, mac);
        Frames.put16(tx, icmp + 2, Checksums.transport(tx, 14, true, icmp, 32, Frames.PROTO_ICMPV6, 2));
        socket.send(tx, 54 + 32);
    }

    /** Ethernet and IPv6 headers of an NDP message ({@code icmpLength} bytes of ICMPv6 follow at 54). */
    static void writeIcmp6Header(MemorySegment tx, long ethDst, long ethSrc, long srcHi, long srcLo, long dstHi,
                                 long dstLo, int icmpLength) {
        Frames.putMac(tx, 0, ethDst);
        Frames.putMac(tx, 6, ethSrc);
        Frames.put16(tx, 12, Frames.TYPE_IPV6);
        tx.set(U32, 14, 0x6000_0000);
        Frames.put16(tx, 18, icmpLength);
        tx.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 20, (byte) Frames.PROTO_ICMPV6);
        tx.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 21, (byte) 255);
        tx.set(U64, 22, srcHi);
        tx.set(U64, 30, srcLo);
        tx.set(U64, 38, dstHi);
        tx.set(U64, 46, dstLo);
    }
}
