package io.fulcrum.packet.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The Internet checksum (RFC 1071) over frame memory, and its incremental update (RFC 1624,
 * {@code HC' = ~(~HC + ~m + m')}) for a rewrite of addresses and ports: a DNAT rewrite touches a
 * few 16-bit words, so the IP, TCP and UDP checksums are adjusted without reading the payload.
 */
public final class Checksums {

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);

    private Checksums() {
    }

    /** Ones'-complement sum (not folded, not inverted) of {@code len} bytes, added to {@code sum}. */
    public static long sum(MemorySegment m, long off, int len, long sum) {
        int i = 0;
        for (; i + 1 < len; i += 2) {
            sum += Short.toUnsignedInt(m.get(U16, off + i));
        }
        if (i < len) {
            sum += (m.get(ValueLayout.JAVA_BYTE, off + i) & 0xFF) << 8;
        }
        return sum;
    }

    /** Folds a sum to 16 bits. */
    public static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The checksum field value for a sum: {@code ~fold(sum)}. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xFFFF;
    }

    /** A checksum after one 16-bit word of what it covers changed from {@code oldWord} to {@code newWord}. */
    public static int update16(int checksum, int oldWord, int newWord) {
        long s = (~checksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        return ~fold(s) & 0xFFFF;
    }

    /** A checksum after {@code len} bytes (even) at {@code oldOff} were replaced by those at {@code newOff}. */
    public static int update(int checksum, MemorySegment oldBytes, long oldOff, MemorySegment newBytes, long newOff,
                             int len) {
        long s = ~checksum & 0xFFFF;
        for (int i = 0; i < len; i += 2) {
            s += ~Short.toUnsignedInt(oldBytes.get(U16, oldOff + i)) & 0xFFFF;
            s += Short.toUnsignedInt(newBytes.get(U16, newOff + i));
        }
        return ~fold(s) & 0xFFFF;
    }

    /** An IPv4 header's checksum, computed afresh (the field itself counted as zero). */
    public static int ipv4Header(MemorySegment m, long ip) {
        int ihl = (m.get(ValueLayout.JAVA_BYTE, ip) & 0x0F) * 4;
        long s = sum(m, ip, ihl, 0) - Short.toUnsignedInt(m.get(U16, ip + 10));
        return finish(s);
    }

    /**
     * A TCP or UDP (or ICMPv6) checksum computed afresh over the pseudo-header and the segment,
     * the checksum field counted as zero.
     *
     * @param ip        where the IP header starts
     * @param ipv6      whether it is IPv6 (addresses at 8 and 24) or IPv4 (12 and 16)
     * @param l4        where the segment starts
     * @param l4Length  the segment's length
     * @param protocol  6, 17 or 58
     * @param csumField offset of the checksum field within the segment (16 TCP, 6 UDP, 2 ICMPv6)
     */
    public static int transport(MemorySegment m, long ip, boolean ipv6, long l4, int l4Length, int protocol,
                                int csumField) {
        long s = ipv6 ? sum(m, ip + 8, 32, 0) : sum(m, ip + 12, 8, 0);
        s += protocol + l4Length;
        s = sum(m, l4, l4Length, s);
        s -= Short.toUnsignedInt(m.get(U16, l4 + csumField));
        int c = finish(s);
        if (protocol == 17 && c == 0) {
            c = 0xFFFF; // a computed UDP zero is sent as all ones (zero means "none")
        }
        return c;
    }

    /**
     * Completes a checksum that only holds the pseudo-header sum: what a local sender with
     * checksum offload leaves for the device, which a frame sent from a packet socket never reaches.
     */
    public static int completePartial(MemorySegment m, long l4, int l4Length, int csumField, int protocol) {
        // The field holds fold(pseudo-header sum): summing the segment with it as it is adds both.
        int c = finish(sum(m, l4, l4Length, 0));
        if (protocol == 17 && c == 0) {
            c = 0xFFFF;
        }
        return c;
    }
}
