package io.fulcrum.packet.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.ByteOrder;

/**
 * Offsets and accessors of the Ethernet, ARP, IPv4, IPv6, TCP and UDP headers the packet path
 * reads, in network byte order. An IP address is kept as two longs, IPv4 mapped into IPv6
 * ({@code ::ffff:a.b.c.d}), so one comparison covers both families without allocating.
 */
public final class Frames {

    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    public static final int ETH_HEADER = 14;
    public static final int ETH_TYPE = 12;
    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final int TYPE_IPV6 = 0x86DD;
    public static final int IPV6_HEADER = 40;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_ICMPV6 = 58;
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    /** The high 32 bits of an IPv4-mapped address's low long. */
    public static final long V4_MAPPED = 0xFFFF_0000_0000L;

    public static final int TCP_FIN = 0x01;
    public static final int TCP_SYN = 0x02;
    public static final int TCP_RST = 0x04;
    public static final int TCP_ACK = 0x10;

    private Frames() {
    }

    public static int u8(MemorySegment m, long off) {
        return m.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    public static int u16(MemorySegment m, long off) {
        return Short.toUnsignedInt(m.get(U16, off));
    }

    public static void put16(MemorySegment m, long off, int v) {
        m.set(U16, off, (short) v);
    }

    /** A MAC address (6 bytes) as the low 48 bits of a long. */
    public static long mac(MemorySegment m, long off) {
        return (Short.toUnsignedLong(m.get(U16, off)) << 32) | Integer.toUnsignedLong(m.get(U32, off + 2));
    }

    public static void putMac(MemorySegment m, long off, long mac) {
        m.set(U16, off, (short) (mac >>> 32));
        m.set(U32, off + 2, (int) mac);
    }

    /** The low long of an IPv4 address at {@code off}, mapped. */
    public static long ipv4(MemorySegment m, long off) {
        return V4_MAPPED | Integer.toUnsignedLong(m.get(U32, off));
    }

    public static boolean isV4(long hi, long lo) {
        return hi == 0 && (lo >>> 32) == 0xFFFF;
    }

    /** {@code hi} and {@code lo} of an address. */
    public static long[] split(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) {
            long v = ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
            return new long[] {0, V4_MAPPED | v};
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (b[i] & 0xFF);
            lo = (lo << 8) | (b[8 + i] & 0xFF);
        }
        return new long[] {hi, lo};
    }

    /** The text form of an address kept as two longs. */
    public static String format(long hi, long lo) {
        byte[] b;
        if (isV4(hi, lo)) {
            b = new byte[] {(byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo};
        } else {
            b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (hi >>> (56 - 8 * i));
                b[8 + i] = (byte) (lo >>> (56 - 8 * i));
            }
        }
        try {
            return InetAddress.getByAddress(b).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String formatMac(long mac) {
        return String.format("%02x:%02x:%02x:%02x:%02x:%02x", (mac >>> 40) & 0xFF, (mac >>> 32) & 0xFF,
                (mac >>> 24) & 0xFF, (mac >>> 16) & 0xFF, (mac >>> 8) & 0xFF, mac & 0xFF);
    }
}
