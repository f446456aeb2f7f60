package io.fulcrum.dns.server;

import io.fulcrum.nativeio.Libc;
import io.fulcrum.nativeio.SocketAddresses;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * The libc calls of the DNS server's own UDP path ({@link BatchUdpSocket}) that only it makes:
 * {@code recvmmsg} and {@code sendmmsg}, with the {@code mmsghdr} layout, and the socket's
 * set-up (made through the shared {@link Libc}). Structure layouts and constants are those of
 * Linux on x86-64 and aarch64, the only platforms {@link #available()} accepts.
 *
 * <p>The set-up throws an {@link IOException} naming the call and the error; the batch calls
 * return {@code -errno} instead, as they run for every batch. None is declared critical:
 * {@code recvmmsg} blocks on purpose (its thread does nothing else).
 *
 * <p>The batch calls are made without capturing {@code errno} first, and only a call that failed
 * is made again with it captured: the JDK's capture makes a memory-segment view per call, which
 * only escape analysis removes, and the path is meant to allocate nothing whatever the JIT does
 * (retrying is harmless: a failed {@code recvmmsg} or {@code sendmmsg} moved no datagram).
 */
final class UdpCalls {

    static final int AF_INET = Libc.AF_INET;
    static final int EINTR = Libc.EINTR;
    static final int EAGAIN = Libc.EAGAIN;
    /** {@code recvmmsg}: block for the first datagram only, then take what is queued. */
    static final int MSG_WAITFORONE = 0x10000;
    /** Room for a {@code sockaddr_in6}, the larger of the two address structures. */
    static final int SOCKADDR_SIZE = SocketAddresses.SIZE;

    // struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; } on LP64 Linux.
    static final int MMSGHDR_SIZE = 64;
    static final int MSG_NAME = 0;
    static final int MSG_NAMELEN = 8;
    static final int MSG_IOV = 16;
    static final int MSG_IOVLEN = 24;
    static final int MSG_FLAGS = 48;
    static final int MSG_LEN = 56;
    static final int IOVEC_SIZE = 16;

    private static final MethodHandle RECVMMSG;
    private static final MethodHandle SENDMMSG;
    private static final MethodHandle RECVMMSG_NO_ERRNO;
    private static final MethodHandle SENDMMSG_NO_ERRNO;
    private static final Throwable UNAVAILABLE;

    static {
        MethodHandle recvmmsg = null;
        MethodHandle sendmmsg = null;
        MethodHandle recvmmsgNoErrno = null;
        MethodHandle sendmmsgNoErrno = null;
        Throwable unavailable = null;
        if (!Libc.available()) {
            unavailable = new UnsupportedOperationException(Libc.unavailableReason());
        } else {
            try {
                ValueLayout.OfInt i = ValueLayout.JAVA_INT;
                ValueLayout.OfLong l = ValueLayout.JAVA_LONG;
                // Pointers are passed as addresses in a long: both 64-bit Linux ABIs pass them alike.
                FunctionDescriptor recv = FunctionDescriptor.of(i, i, l, i, i, l);
                FunctionDescriptor send = FunctionDescriptor.of(i, i, l, i, i);
                recvmmsg = Libc.downcall("recvmmsg", recv, true);
                sendmmsg = Libc.downcall("sendmmsg", send, true);
                recvmmsgNoErrno = Libc.downcall("recvmmsg", recv, false);
                sendmmsgNoErrno = Libc.downcall("sendmmsg", send, false);
            } catch (RuntimeException | Error e) {
                unavailable = e; // no native access allowed, or a libc without these calls
            }
        }
        RECVMMSG = recvmmsg;
        SENDMMSG = sendmmsg;
        RECVMMSG_NO_ERRNO = recvmmsgNoErrno;
        SENDMMSG_NO_ERRNO = sendmmsgNoErrno;
        UNAVAILABLE = unavailable;
    }

    /** Where the linker leaves errno after each batch call made through this instance. */
    private final MemorySegment state;

    /** Calls for one thread (each has its own errno slot); memory from {@code arena}. */
    UdpCalls(Arena arena) {
        state = Libc.newCallState(arena);
    }

    /** Whether this platform has the calls: Linux on x86-64 or aarch64, native access allowed. */
    static boolean available() {
        return UNAVAILABLE == null;
    }

    /** Why {@link #available()} is false, or {@code null}. */
    static String unavailableReason() {
        return UNAVAILABLE == null ? null : UNAVAILABLE.toString();
    }

    /**
     * A blocking UDP socket bound to {@code address} with SO_REUSEPORT (so that the sockets of
     * several threads, and of a server replacing this one, share the port), the given buffer
     * sizes and a receive timeout (so its thread notices a close even without a wake-up).
     */
    static int openBound(InetSocketAddress address, int bufferBytes, int receiveTimeoutMillis) throws IOException {
        boolean v4 = address.getAddress() instanceof Inet4Address;
        int fd = Libc.socket(v4 ? Libc.AF_INET : Libc.AF_INET6, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        try (Arena a = Arena.ofConfined()) {
            Libc.setInt(fd, Libc.SOL_SOCKET, Libc.SO_REUSEADDR, 1, "SO_REUSEADDR");
            Libc.setInt(fd, Libc.SOL_SOCKET, Libc.SO_REUSEPORT, 1, "SO_REUSEPORT");
            Libc.setInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, bufferBytes, "SO_RCVBUF");
            Libc.setInt(fd, Libc.SOL_SOCKET, Libc.SO_SNDBUF, bufferBytes, "SO_SNDBUF");
            MemorySegment timeval = a.allocate(16, 8);
            timeval.set(ValueLayout.JAVA_LONG, 0, receiveTimeoutMillis / 1000);
            timeval.set(ValueLayout.JAVA_LONG, 8, (receiveTimeoutMillis % 1000) * 1000L);
            Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeval, "SO_RCVTIMEO");
            SocketAddresses.bind(fd, address);
            return fd;
        } catch (IOException | RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** {@code recvmmsg(fd, headers, n, flags, NULL)}: datagrams read, or {@code -errno}. */
    int recvmmsg(int fd, long headers, int n, int flags) {
        int r;
        try {
            r = (int) RECVMMSG_NO_ERRNO.invokeExact(fd, headers, n, flags, 0L);
            if (r >= 0) {
                return r;
            }
            r = (int) RECVMMSG.invokeExact(state, fd, headers, n, flags, 0L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        return r < 0 ? -Libc.errno(state) : r;
    }

    /** {@code sendmmsg(fd, headers, n, 0)}: datagrams sent, or {@code -errno}. */
    int sendmmsg(int fd, long headers, int n) {
        int r;
        try {
            r = (int) SENDMMSG_NO_ERRNO.invokeExact(fd, headers, n, 0);
            if (r >= 0) {
                return r;
            }
            r = (int) SENDMMSG.invokeExact(state, fd, headers, n, 0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        return r < 0 ? -Libc.errno(state) : r;
    }
}
