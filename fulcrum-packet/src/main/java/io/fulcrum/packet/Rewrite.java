package io.fulcrum.packet;

import io.fulcrum.packet.sys.PacketSocket;
import io.fulcrum.packet.wire.Checksums;
import io.fulcrum.packet.wire.Frames;

import java.lang.foreign.MemorySegment;

import static io.fulcrum.packet.wire.Frames.U32;
import static io.fulcrum.packet.wire.Frames.U64;

/**
 * Rewrites the source or destination address and port of an IPv4 or IPv6 TCP/UDP packet in
 * place, keeping every checksum right: the IPv4 header's and the transport's are updated
 * incrementally (RFC 1624); a transport checksum a local sender left partial (offload,
 * {@code TP_STATUS_CSUMNOTREADY}) is computed in full instead, since no device will finish it.
 */
final class Rewrite {

    private Rewrite() {
    }

    /**
     * @param source whether the source (true) or the destination (false) changes
     */
    static void address(MemorySegment m, long ip, boolean v6, int proto, long l4, int l4Length, int status,
                        boolean source, long hi, long lo, int port) {
        int field = proto == Frames.PROTO_TCP ? 16 : 6;
        long portAt = l4 + (source ? 0 : 2);
        boolean partial = (status & PacketSocket.TP_STATUS_CSUMNOTREADY) != 0;
        int csum = Frames.u16(m, l4 + field);
        boolean noUdpChecksum = proto == Frames.PROTO_UDP && !v6 && csum == 0;
        if (v6) {
            long at = ip + (source ? 8 : 24);
            long oldHi = m.get(U64, at);
            long oldLo = m.get(U64, at + 8);
            csum = update64(update64(csum, oldHi, hi), oldLo, lo);
            m.set(U64, at, hi);
            m.set(U64, at + 8, lo);
        } else {
            long at = ip + (source ? 12 : 16);
            int old = m.get(U32, at);
            int now = (int) lo;
            csum = update32(csum, old, now);
            Frames.put16(m, ip + 10, update32(Frames.u16(m, ip + 10), old, now));
            m.set(U32, at, now);
        }
        csum = Checksums.update16(csum, Frames.u16(m, portAt), port);
        Frames.put16(m, portAt, port);
        if (noUdpChecksum) {
            return; // an IPv4 datagram sent without a checksum stays without
        }
        if (partial) {
            csum = Checksums.transport(m, ip, v6, l4, l4Length, proto, field);
        } else if (proto == Frames.PROTO_UDP && csum == 0) {
            csum = 0xFFFF;
        }
        Frames.put16(m, l4 + field, csum);
    }

    static int update32(int csum, int oldValue, int newValue) {
        csum = Checksums.update16(csum, oldValue >>> 16, newValue >>> 16);
        return Checksums.update16(csum, oldValue & 0xFFFF, newValue & 0xFFFF);
    }

    static int update64(int csum, long oldValue, long newValue) {
        csum = update32(csum, (int) (oldValue >>> 32), (int) (newValue >>> 32));
        return update32(csum, (int) oldValue, (int) newValue);
    }
}
