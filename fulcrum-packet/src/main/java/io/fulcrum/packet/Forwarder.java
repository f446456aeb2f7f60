package io.fulcrum.packet;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.balance.PickContext;
import io.fulcrum.l4.table.BackendFlowCounters;
import io.fulcrum.packet.sys.PacketSocket;
import io.fulcrum.packet.wire.Checksums;
import io.fulcrum.packet.wire.Frames;

import java.lang.foreign.MemorySegment;

import static io.fulcrum.packet.wire.Frames.U32;
import static io.fulcrum.packet.wire.Frames.U64;

/**
 * The packet path proper: an IPv4 or IPv6 frame addressed to this node's MAC is matched against
 * the VIPs (and, for DNAT, against the table's replies), its flow looked up or created, and the
 * frame rewritten in the ring for sending:
 * <ul>
 *   <li>DSR: only the MAC addresses change; the backend has the VIP on a loopback and answers the
 *       client directly.</li>
 *   <li>DNAT: the destination address and port become the backend's, the IP and TCP/UDP checksums
 *       are adjusted incrementally; replies from the backend (this node is its gateway) get the VIP
 *       back as their source. The client's address is kept.</li>
 * </ul>
 * The connection table follows SPEC 2.2 item 3: a SYN creates an ACTIVE entry and selects; later
 * packets follow and refresh it; a client FIN sets FIN; an RST removes it; a TCP segment other
 * than a SYN without an entry is dropped. UDP flows are keyed by their 5-tuple. Frames for no VIP
 * are not touched.
 */
final class Forwarder {

    private final long mac;
    private final PacketFlowTable flows;
    /** The balancer hashes this: client address, port and protocol, so any node picks alike. */
    private final byte[] flowKey = new byte[19];
    private final FlowPick pick = new FlowPick();
    private long now;
    long forwarded;
    long replies;
    long dropped;

    Forwarder(long mac, PacketFlowTable flows) {
        this.mac = mac;
        this.flows = flows;
    }

    /** Handles an IP frame for this node's MAC; returns {@link PacketSocket#SEND} when it was rewritten. */
    int frame(MemorySegment m, long off, int len, int status, ServiceTable table, long nowNanos) {
        now = nowNanos;
        int type = Frames.u16(m, off + Frames.ETH_TYPE);
        long ip = off + Frames.ETH_HEADER;
        boolean v6 = type == Frames.TYPE_IPV6;
        int proto;
        long l4;
        int l4Length;
        long srcHi;
        long srcLo;
        long dstHi;
        long dstLo;
        if (v6) {
            if (len < Frames.ETH_HEADER + Frames.IPV6_HEADER) {
                return PacketSocket.PASS;
            }
            proto = Frames.u8(m, ip + 6); // extension headers are not followed: such frames are left alone
            l4 = ip + Frames.IPV6_HEADER;
            l4Length = Frames.u16(m, ip + 4);
            srcHi = m.get(U64, ip + 8);
            srcLo = m.get(U64, ip + 16);
            dstHi = m.get(U64, ip + 24);
            dstLo = m.get(U64, ip + 32);
        } else {
            if (len < Frames.ETH_HEADER + 20 || (Frames.u8(m, ip) >>> 4) != 4) {
                return PacketSocket.PASS;
            }
            int ihl = (Frames.u8(m, ip) & 0x0F) * 4;
            int total = Frames.u16(m, ip + 2);
            if (ihl < 20 || total < ihl || (Frames.u16(m, ip + 6) & 0x3FFF) != 0) {
                return PacketSocket.PASS; // malformed, or a fragment (no ports to match)
            }
            proto = Frames.u8(m, ip + 9);
            l4 = ip + ihl;
            l4Length = total - ihl;
            srcHi = 0;
            srcLo = Frames.ipv4(m, ip + 12);
            dstHi = 0;
            dstLo = Frames.ipv4(m, ip + 16);
        }
        int minL4 = proto == Frames.PROTO_TCP ? 20 : 8;
        if ((proto != Frames.PROTO_TCP && proto != Frames.PROTO_UDP) || l4Length < minL4
                || l4 + l4Length > off + len) {
            return PacketSocket.PASS;
        }
        int srcPort = Frames.u16(m, l4);
        int dstPort = Frames.u16(m, l4 + 2);
        PacketListener listener = table.find(proto, dstHi, dstLo, dstPort);
        if (listener != null) {
            return toBackend(m, off, ip, v6, proto, l4, l4Length, status, listener, srcHi, srcLo, srcPort);
        }
        PacketFlow reply = flows.findReply(proto, srcHi, srcLo, srcPort, dstHi, dstLo, dstPort);
        if (reply != null) {
            return toClient(m, off, ip, v6, proto, l4, l4Length, status, reply);
        }
        return PacketSocket.PASS;
    }

    private int toBackend(MemorySegment m, long off, long ip, boolean v6, int proto, long l4, int l4Length, int status,
                          PacketListener listener, long cHi, long cLo, int cPort) {
        int flags = proto == Frames.PROTO_TCP ? Frames.u8(m, l4 + 13) : 0;
        PacketFlow f = flows.find(proto, cHi, cLo, cPort, listener.vipHi, listener.vipLo, listener.port);
        boolean syn = (flags & (Frames.TCP_SYN | Frames.TCP_ACK | Frames.TCP_RST)) == Frames.TCP_SYN;
        if (f != null && syn && f.state == PacketFlow.State.FIN) {
            flows.remove(f); // the client reuses the port: a new connection
            f = null;
        }
        if (f == null) {
            if (proto == Frames.PROTO_TCP && !syn) {
                dropped++; // no entry and no SYN: nothing to follow
                return PacketSocket.PASS;
            }
            f = open(m, off, proto, cHi, cLo, cPort, listener);
            if (f == null) {
                dropped++;
                return PacketSocket.PASS;
            }
        }
        if (f.backend.mac == 0) {
            dropped++;
            return PacketSocket.PASS;
        }
        f.lastNanos = now;
        f.bytesIn += l4Length;
        if ((flags & Frames.TCP_RST) != 0) {
            flows.remove(f);
        } else if ((flags & Frames.TCP_FIN) != 0) {
            flows.fin(f);
        }
        if (listener.dnat) {
            rewriteDestination(m, ip, v6, proto, l4, l4Length, status, f.backend);
        } else if ((status & PacketSocket.TP_STATUS_CSUMNOTREADY) != 0) {
            completeChecksum(m, proto, l4, l4Length);
        }
        Frames.putMac(m, off, f.backend.mac);
        Frames.putMac(m, off + 6, mac);
        forwarded++;
        return PacketSocket.SEND;
    }

    private PacketFlow open(MemorySegment m, long off, int proto, long cHi, long cLo, int cPort,
                            PacketListener listener) {
        for (int i = 0; i < 8; i++) {
            flowKey[i] = (byte) (cHi >>> (56 - 8 * i));
            flowKey[8 + i] = (byte) (cLo >>> (56 - 8 * i));
        }
        flowKey[16] = (byte) (cPort >>> 8);
        flowKey[17] = (byte) cPort;
        flowKey[18] = (byte) proto;
        pick.now = now;
        Backend b = listener.runtime.balancer().pick(pick);
        PacketBackend member = b == null ? null : listener.member(b);
        BackendFlowCounters counters = b == null ? null : listener.counters(b);
        if (member == null || counters == null || member.mac == 0) {
            return null;
        }
        PacketFlow f = new PacketFlow(proto, cHi, cLo, cPort, listener, member, counters,
                Frames.mac(m, off + 6), now);
        flows.add(f);
        return f;
    }

    private int toClient(MemorySegment m, long off, long ip, boolean v6, int proto, long l4, int l4Length, int status,
                         PacketFlow f) {
        f.lastNanos = now;
        f.bytesOut += l4Length;
        if (proto == Frames.PROTO_TCP && (Frames.u8(m, l4 + 13) & Frames.TCP_RST) != 0) {
            flows.remove(f);
        }
        rewriteSource(m, ip, v6, proto, l4, l4Length, status, f.listener);
        Frames.putMac(m, off, f.clientMac);
        Frames.putMac(m, off + 6, mac);
        replies++;
        return PacketSocket.SEND;
    }

    private static void rewriteDestination(MemorySegment m, long ip, boolean v6, int proto, long l4, int l4Length,
                                           int status, PacketBackend to) {
        Rewrite.address(m, ip, v6, proto, l4, l4Length, status, false, to.hi, to.lo, to.port);
    }

    private static void rewriteSource(MemorySegment m, long ip, boolean v6, int proto, long l4, int l4Length,
                                      int status, PacketListener from) {
        Rewrite.address(m, ip, v6, proto, l4, l4Length, status, true, from.vipHi, from.vipLo, from.port);
    }

    private static void completeChecksum(MemorySegment m, int proto, long l4, int l4Length) {
        int field = proto == Frames.PROTO_TCP ? 16 : 6;
        Frames.put16(m, l4 + field, Checksums.completePartial(m, l4, l4Length, field, proto));
    }

    /** The balancer's view of a new flow: its key in place of a client address. */
    private final class FlowPick implements PickContext {
        long now;

        @Override
        public byte[] clientAddress() {
            return flowKey;
        }

        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public String cookie(String name) {
            return null;
        }

        @Override
        public long nowNanos() {
            return now;
        }
    }

}
