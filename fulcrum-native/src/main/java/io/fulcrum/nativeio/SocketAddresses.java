package io.fulcrum.nativeio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * IP socket addresses in the kernel's form: {@code struct sockaddr_in} (16 bytes) and
 * {@code struct sockaddr_in6} (28 bytes, with the scope id), port and address in network order.
 */
public final class SocketAddresses {

    /** Room for either form (a {@code sockaddr_in6}). */
    public static final int SIZE = 28;
    private static final int SIZE_V4 = 16;
    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private SocketAddresses() {
    }

    /**
     * Writes {@code address} at the start of {@code to} (at least {@link #SIZE} bytes).
     *
     * @return the length of what was written: 16 for IPv4, 28 for IPv6
     */
    public static int encode(InetSocketAddress address, MemorySegment to) {
        // Zeroed field by field: a slice to fill would be an object per call (the L4 relay connects with this).
        to.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 0L);
        to.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, 0L);
        to.set(ValueLayout.JAVA_LONG_UNALIGNED, 16, 0L);
        to.set(ValueLayout.JAVA_INT_UNALIGNED, 24, 0);
        InetAddress a = address.getAddress();
        byte[] raw = a.getAddress();
        to.set(PORT, 2, (short) address.getPort());
        if (raw.length == 4) {
            to.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) Libc.AF_INET);
            MemorySegment.copy(raw, 0, to, ValueLayout.JAVA_BYTE, 4, 4);
            return SIZE_V4;
        }
        to.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) Libc.AF_INET6);
        MemorySegment.copy(raw, 0, to, ValueLayout.JAVA_BYTE, 8, 16);
        if (a instanceof Inet6Address v6) {
            to.set(ValueLayout.JAVA_INT_UNALIGNED, 24, v6.getScopeId());
        }
        return SIZE;
    }

    /**
     * Reads an address the kernel wrote ({@code getsockname}, {@code recvmmsg}...).
     *
     * @throws IllegalArgumentException a family other than {@code AF_INET} and {@code AF_INET6}
     */
    public static InetSocketAddress decode(MemorySegment from) {
        int family = from.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0);
        int port = Short.toUnsignedInt(from.get(PORT, 2));
        try {
            if (family == Libc.AF_INET) {
                return new InetSocketAddress(InetAddress.getByAddress(from.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE)),
                        port);
            }
            if (family == Libc.AF_INET6) {
                byte[] raw = from.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE);
                int scope = from.get(ValueLayout.JAVA_INT_UNALIGNED, 24);
                InetAddress a = scope == 0 ? InetAddress.getByAddress(raw) : Inet6Address.getByAddress(null, raw, scope);
                return new InetSocketAddress(a, port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes are always an address
        }
        throw new IllegalArgumentException("not an IP socket address (family " + family + ")");
    }

    /** The address the kernel chose for a socket in {@code bind} (the port, for port 0). */
    public static InetSocketAddress local(int fd) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(SIZE, 8);
            Libc.getsockname(fd, m);
            return decode(m);
        }
    }

    /** Binds {@code fd} to {@code address}. */
    public static void bind(int fd, InetSocketAddress address) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(SIZE, 8);
            Libc.bind(fd, m, encode(address, m));
        }
    }
}
