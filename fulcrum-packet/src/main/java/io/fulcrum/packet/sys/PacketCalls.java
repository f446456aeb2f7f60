package io.fulcrum.packet.sys;

import io.fulcrum.nativeio.Libc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libc calls only the packet path makes (the rings' {@code mmap}, {@code poll}, the
 * transmit ring's {@code send}, the interface's index and MAC address, entering a network
 * namespace) and the {@code AF_PACKET} constants; the calls other modules make too (socket,
 * options, bind, close, affinity, errno text) are {@link Libc}'s. Linux x86-64 / aarch64.
 */
public final class PacketCalls {

    public static final int AF_PACKET = 17;
    public static final int SOL_PACKET = 263;
    public static final int PACKET_ADD_MEMBERSHIP = 1;
    public static final int PACKET_RX_RING = 5;
    public static final int PACKET_STATISTICS = 6;
    public static final int PACKET_TX_RING = 13;
    public static final int PACKET_LOSS = 14;
    public static final int PACKET_VERSION = 10;
    public static final int PACKET_IGNORE_OUTGOING = 23;
    public static final int PACKET_MR_PROMISC = 1;
    public static final int TPACKET_V2 = 1;
    public static final int ETH_P_ALL = 0x0003;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final short POLLIN = 1;
    /** POLLERR | POLLHUP | POLLNVAL: {@code revents} bits poll sets without being asked. */
    public static final short POLL_ERRORS = 0x8 | 0x10 | 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int SIOCGIFHWADDR = 0x8927;
    public static final int CLONE_NEWNET = 0x40000000;
    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 0x80000;

    private static final MethodHandle MMAP = Libc.downcall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), true);
    private static final MethodHandle MUNMAP = Libc.downcall("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG),
            true);
    private static final MethodHandle POLL = Libc.downcall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG,
            JAVA_INT), true);
    private static final MethodHandle SENDTO = Libc.downcall("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), true);
    private static final MethodHandle IOCTL = Libc.downcall("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG,
            ADDRESS), true);
    private static final MethodHandle IF_NAMETOINDEX = Libc.downcall("if_nametoindex", FunctionDescriptor.of(JAVA_INT,
            ADDRESS), true);
    private static final MethodHandle SETNS = Libc.downcall("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT),
            true);
    private static final MethodHandle OPEN = Libc.downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), true);

    private PacketCalls() {
    }

    /** Maps {@code length} bytes of a descriptor shared, read-write. */
    public static MemorySegment mmap(int fd, long length) throws IOException {
        MemorySegment st = Libc.callState();
        MemorySegment r;
        try {
            r = (MemorySegment) MMAP.invokeExact(st, MemorySegment.NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED,
                    fd, 0L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (r.address() == -1L) {
            throw Libc.failure("mmap", st);
        }
        return r.reinterpret(length);
    }

    public static void munmap(MemorySegment region) {
        try {
            int ignored = (int) MUNMAP.invokeExact(Libc.callState(), region, region.byteSize());
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** {@code poll(2)} on {@code n} pollfds; returns the number ready, 0 on timeout or EINTR. */
    public static int poll(MemorySegment fds, int n, int timeoutMillis) throws IOException {
        MemorySegment st = Libc.callState();
        int r;
        try {
            r = (int) POLL.invokeExact(st, fds, (long) n, timeoutMillis);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (r < 0) {
            if (Libc.errno(st) == Libc.EINTR) {
                return 0;
            }
            throw Libc.failure("poll", st);
        }
        return r;
    }

    /** {@code send(2)} on a bound socket; returns bytes sent, or -errno. */
    public static long send(int fd, MemorySegment buf, long len) {
        MemorySegment st = Libc.callState();
        long r;
        try {
            r = (long) SENDTO.invokeExact(st, fd, buf, len, 0, MemorySegment.NULL, 0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        return r < 0 ? -Libc.errno(st) : r;
    }

    public static void ioctl(int fd, long request, MemorySegment arg, String what) throws IOException {
        MemorySegment st = Libc.callState();
        int r;
        try {
            r = (int) IOCTL.invokeExact(st, fd, request, arg);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (r < 0) {
            throw Libc.failure("ioctl " + what, st);
        }
    }

    /** The index of a network interface of the calling thread's namespace. */
    public static int ifNameToIndex(String name) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Libc.callState();
            int r = (int) IF_NAMETOINDEX.invokeExact(st, a.allocateFrom(name));
            if (r == 0) {
                throw new IOException("no network interface " + name + ": " + Libc.strerror(Libc.errno(st)));
            }
            return r;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Moves the calling thread into the network namespace of a namespace file. */
    public static void enterNetns(String path) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Libc.callState();
            int fd = (int) OPEN.invokeExact(st, a.allocateFrom(path), O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                throw new IOException("open " + path + ": " + Libc.strerror(Libc.errno(st)));
            }
            int r = (int) SETNS.invokeExact(st, fd, CLONE_NEWNET);
            int e = Libc.errno(st);
            Libc.close(fd);
            if (r < 0) {
                throw new IOException("setns " + path + ": " + Libc.strerror(e));
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
