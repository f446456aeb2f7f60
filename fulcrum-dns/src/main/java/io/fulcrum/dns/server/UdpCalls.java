package io.fulcrum.dns.server;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;

/**
 * The libc calls of the DNS server's own UDP path ({@link BatchUdpSocket}), bound through the
 * JDK's foreign-function interface: socket set-up, {@code recvmmsg}, {@code sendmmsg},
 * {@code shutdown} and {@code close}. Structure layouts and constants are those of Linux on
 * x86-64 and aarch64, the only platforms {@link #available()} accepts.
 *
 * <p>The set-up calls throw an {@link IOException} naming the call and the error; the batch
 * calls return {@code -errno} instead, as they run for every batch. None is declared critical:
 * {@code recvmmsg} blocks on purpose (its thread does nothing else).
 *
 * <p>The batch calls are made without capturing {@code errno} first, and only a call that failed
 * is made again with it captured: the JDK's capture makes a memory-segment view per call, which
 * only escape analysis removes, and the path is meant to allocate nothing whatever the JIT does
 * (retrying is harmless: a failed {@code recvmmsg} or {@code sendmmsg} moved no datagram).
 */
final class UdpCalls {

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    /** {@code recvmmsg}: block for the first datagram only, then take what is queued. */
    static final int MSG_WAITFORONE = 0x10000;
    /** Room for a {@code sockaddr_in6}, the larger of the two address structures. */
    static final int SOCKADDR_SIZE = 28;

    // struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; } on LP64 Linux.
    static final int MMSGHDR_SIZE = 64;
    static final int MSG_NAME = 0;
    static final int MSG_NAMELEN = 8;
    static final int MSG_IOV = 16;
    static final int MSG_IOVLEN = 24;
    static final int MSG_FLAGS = 48;
    static final int MSG_LEN = 56;
    static final int IOVEC_SIZE = 16;

    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2;
    private static final int SO_SNDBUF = 7;
    private static final int SO_RCVBUF = 8;
    private static final int SO_REUSEPORT = 15;
    private static final int SO_RCVTIMEO = 20;
    private static final int SHUT_RDWR = 2;
    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static final MemoryLayout STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO = STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SOCKET;
    private static final MethodHandle SETSOCKOPT;
    private static final MethodHandle BIND;
    private static final MethodHandle GETSOCKNAME;
    private static final MethodHandle RECVMMSG;
    private static final MethodHandle SENDMMSG;
    private static final MethodHandle RECVMMSG_NO_ERRNO;
    private static final MethodHandle SENDMMSG_NO_ERRNO;
    private static final MethodHandle SHUTDOWN;
    private static final MethodHandle CLOSE;
    private static final MethodHandle STRERROR;
    private static final Throwable UNAVAILABLE;

    static {
        MethodHandle socket = null;
        MethodHandle setsockopt = null;
        MethodHandle bind = null;
        MethodHandle getsockname = null;
        MethodHandle recvmmsg = null;
        MethodHandle sendmmsg = null;
        MethodHandle recvmmsgNoErrno = null;
        MethodHandle sendmmsgNoErrno = null;
        MethodHandle shutdown = null;
        MethodHandle close = null;
        MethodHandle strerror = null;
        Throwable unavailable = null;
        String arch = System.getProperty("os.arch", "");
        if (!System.getProperty("os.name", "").startsWith("Linux") || !(arch.equals("amd64") || arch.equals("x86_64")
                || arch.equals("aarch64"))) {
            unavailable = new UnsupportedOperationException("not Linux on x86-64 or aarch64");
        } else {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                ValueLayout.OfInt i = ValueLayout.JAVA_INT;
                ValueLayout.OfLong l = ValueLayout.JAVA_LONG;
                // Pointers are passed as addresses in a long: both 64-bit Linux ABIs pass them alike.
                socket = handle(linker, libc, "socket", FunctionDescriptor.of(i, i, i, i));
                setsockopt = handle(linker, libc, "setsockopt", FunctionDescriptor.of(i, i, i, i, l, i));
                bind = handle(linker, libc, "bind", FunctionDescriptor.of(i, i, l, i));
                getsockname = handle(linker, libc, "getsockname", FunctionDescriptor.of(i, i, l, l));
                recvmmsg = handle(linker, libc, "recvmmsg", FunctionDescriptor.of(i, i, l, i, i, l));
                sendmmsg = handle(linker, libc, "sendmmsg", FunctionDescriptor.of(i, i, l, i, i));
                recvmmsgNoErrno = linker.downcallHandle(libc.find("recvmmsg").orElseThrow(),
                        FunctionDescriptor.of(i, i, l, i, i, l));
                sendmmsgNoErrno = linker.downcallHandle(libc.find("sendmmsg").orElseThrow(),
                        FunctionDescriptor.of(i, i, l, i, i));
                shutdown = handle(linker, libc, "shutdown", FunctionDescriptor.of(i, i, i));
                close = handle(linker, libc, "close", FunctionDescriptor.of(i, i));
                strerror = linker.downcallHandle(libc.find("strerror").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.ADDRESS.withTargetLayout(
                                MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE)), i));
            } catch (RuntimeException | Error e) {
                unavailable = e; // no native access allowed, or a libc without these calls
            }
        }
        SOCKET = socket;
        SETSOCKOPT = setsockopt;
        BIND = bind;
        GETSOCKNAME = getsockname;
        RECVMMSG = recvmmsg;
        SENDMMSG = sendmmsg;
        RECVMMSG_NO_ERRNO = recvmmsgNoErrno;
        SENDMMSG_NO_ERRNO = sendmmsgNoErrno;
        SHUTDOWN = shutdown;
        CLOSE = close;
        STRERROR = strerror;
        UNAVAILABLE = unavailable;
    }

    /** Where the linker leaves errno after each call made through this instance. */
    private final MemorySegment state;
    /** Room for one option value or address during set-up. */
    private final MemorySegment scratch;

    /** Calls for one thread (each has its own errno slot); memory from {@code arena}. */
    UdpCalls(Arena arena) {
        state = arena.allocate(STATE);
        scratch = arena.allocate(64, 8);
    }

    /** Whether this platform has the calls: Linux on x86-64 or aarch64, native access allowed. */
    static boolean available() {
        return UNAVAILABLE == null;
    }

    /** Why {@link #available()} is false, or {@code null}. */
    static String unavailableReason() {
        return UNAVAILABLE == null ? null : UNAVAILABLE.toString();
    }

    private static MethodHandle handle(Linker linker, SymbolLookup libc, String name, FunctionDescriptor fd) {
        return linker.downcallHandle(libc.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name)),
                fd, Linker.Option.captureCallState("errno"));
    }

    /**
     * A blocking UDP socket bound to {@code address} with SO_REUSEPORT (so that the sockets of
     * several threads, and of a server replacing this one, share the port), the given buffer
     * sizes and a receive timeout (so its thread notices a close even without a wake-up).
     */
    int openBound(InetSocketAddress address, int bufferBytes, int receiveTimeoutMillis) throws IOException {
        boolean v4 = address.getAddress() instanceof Inet4Address;
        int fd = check((int) call(SOCKET, v4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0), "socket");
        try {
            setInt(fd, SO_REUSEADDR, 1, "SO_REUSEADDR");
            setInt(fd, SO_REUSEPORT, 1, "SO_REUSEPORT");
            setInt(fd, SO_RCVBUF, bufferBytes, "SO_RCVBUF");
            setInt(fd, SO_SNDBUF, bufferBytes, "SO_SNDBUF");
            scratch.set(ValueLayout.JAVA_LONG, 0, receiveTimeoutMillis / 1000);
            scratch.set(ValueLayout.JAVA_LONG, 8, (receiveTimeoutMillis % 1000) * 1000L);
            check(setsockopt(fd, SO_RCVTIMEO, 16), "setsockopt(SO_RCVTIMEO)");
            int len = encode(address, scratch);
            check(invokeInt(BIND, fd, scratch.address(), len), "bind");
            return fd;
        } catch (IOException | RuntimeException e) {
            close(fd);
            throw e;
        }
    }

    /** The address {@code fd} is bound to (the port the kernel chose for port 0). */
    InetSocketAddress localAddress(int fd) throws IOException {
        scratch.set(ValueLayout.JAVA_INT, SOCKADDR_SIZE, SOCKADDR_SIZE);
        check(invokeInt(GETSOCKNAME, fd, scratch.address(), scratch.address() + SOCKADDR_SIZE), "getsockname");
        int port = Short.toUnsignedInt(scratch.get(PORT, 2));
        byte[] a;
        if (scratch.get(ValueLayout.JAVA_SHORT, 0) == AF_INET) {
            a = scratch.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE);
        } else {
            a = scratch.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE);
        }
        return new InetSocketAddress(InetAddress.getByAddress(a), port);
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
            throw rethrow(t);
        }
        return r < 0 ? -errno() : r;
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
            throw rethrow(t);
        }
        return r < 0 ? -errno() : r;
    }

    /** Ends both directions: a thread blocked in {@code recvmmsg} on {@code fd} returns. */
    void shutdown(int fd) {
        invokeInt(SHUTDOWN, fd, SHUT_RDWR);
    }

    void close(int fd) {
        invokeInt(CLOSE, fd);
    }

    /** The C library's text for an errno. */
    static String describe(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.getString(0) + " (errno " + errno + ")";
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private void setInt(int fd, int option, int value, String name) throws IOException {
        scratch.set(ValueLayout.JAVA_INT, 0, value);
        check(setsockopt(fd, option, 4), "setsockopt(" + name + ")");
    }

    private int setsockopt(int fd, int option, int length) {
        int r;
        try {
            r = (int) SETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, option, scratch.address(), length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return r;
    }

    /** Writes {@code address} as a {@code sockaddr_in} or {@code sockaddr_in6}; returns its length. */
    private static int encode(InetSocketAddress address, MemorySegment to) {
        to.asSlice(0, SOCKADDR_SIZE).fill((byte) 0);
        byte[] a = address.getAddress().getAddress();
        if (a.length == 4) {
            to.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
            to.set(PORT, 2, (short) address.getPort());
            MemorySegment.copy(a, 0, to, ValueLayout.JAVA_BYTE, 4, 4);
            return 16;
        }
        to.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
        to.set(PORT, 2, (short) address.getPort());
        MemorySegment.copy(a, 0, to, ValueLayout.JAVA_BYTE, 8, 16);
        if (address.getAddress() instanceof java.net.Inet6Address v6) {
            to.set(ValueLayout.JAVA_INT_UNALIGNED, 24, v6.getScopeId());
        }
        return SOCKADDR_SIZE;
    }

    private int check(int result, String call) throws IOException {
        if (result < 0) {
            throw new IOException(call + " failed: " + describe(errno()));
        }
        return result;
    }

    private int errno() {
        return state.get(ValueLayout.JAVA_INT, ERRNO);
    }

    private int invokeInt(MethodHandle h, int fd, int arg) {
        try {
            return (int) h.invokeExact(state, fd, arg);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private int invokeInt(MethodHandle h, int fd) {
        try {
            return (int) h.invokeExact(state, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private int invokeInt(MethodHandle h, int fd, long a, int b) {
        try {
            return (int) h.invokeExact(state, fd, a, b);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private int invokeInt(MethodHandle h, int fd, long a, long b) {
        try {
            return (int) h.invokeExact(state, fd, a, b);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private long call(MethodHandle h, int a, int b, int c) {
        try {
            return (int) h.invokeExact(state, a, b, c);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
