package io.fulcrum.l4.tcp.direct;

import io.netty.util.concurrent.FastThreadLocal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;

/**
 * The socket system calls of the direct relay, made through the JDK's foreign-function
 * interface on plain descriptors.
 *
 * <p>Why not Netty's socket wrapper: wrapping a descriptor asks the kernel for its address
 * family ({@code getsockname}), which cost the relay two system calls per connection, and its
 * send takes no flags, so the last bytes of a connection and its FIN could not leave in one
 * segment ({@code MSG_MORE}, as HAProxy sends them). The calls are declared critical: each is a
 * non-blocking socket call that returns in microseconds and never calls back into Java, so the
 * thread-state transitions of an ordinary downcall are not needed.
 *
 * <p>Results follow Netty's convention: a read returns the bytes read, {@link #AGAIN} when the
 * socket is empty and {@link #EOF} at the end of input; a failure is an {@link IOException}
 * that names the call and the error.
 */
final class SocketCalls {

    /** Nothing to read, or no room to write, for now. */
    static final int AGAIN = 0;
    /** The end of input. */
    static final int EOF = -1;

    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_ERROR = 4;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_NODELAY = 1;
    private static final int TCP_QUICKACK = 12;
    private static final int SHUT_WR = 1;
    private static final int MSG_MORE = 0x8000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final int EINPROGRESS = 115;
    private static final int SOCKADDR_SIZE = 28;

    private static final MemoryLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SOCKET;
    private static final MethodHandle SETSOCKOPT;
    private static final MethodHandle GETSOCKOPT;
    private static final MethodHandle CONNECT;
    private static final MethodHandle RECV;
    private static final MethodHandle SEND;
    private static final MethodHandle SHUTDOWN;
    private static final MethodHandle CLOSE;
    private static final MethodHandle STRERROR;

    /** Per event loop: the errno the linker captures, and room for an option value and an address. */
    private static final FastThreadLocal<Scratch> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected Scratch initialValue() {
            return new Scratch();
        }
    };

    static {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        ValueLayout.OfLong l = ValueLayout.JAVA_LONG;
        // Pointers are passed as addresses in a long: both 64-bit Linux ABIs pass them alike.
        SOCKET = handle(linker, libc, "socket", FunctionDescriptor.of(i, i, i, i));
        SETSOCKOPT = handle(linker, libc, "setsockopt", FunctionDescriptor.of(i, i, i, i, l, i));
        GETSOCKOPT = handle(linker, libc, "getsockopt", FunctionDescriptor.of(i, i, i, i, l, l));
        CONNECT = handle(linker, libc, "connect", FunctionDescriptor.of(i, i, l, i));
        RECV = handle(linker, libc, "recv", FunctionDescriptor.of(l, i, l, l, i));
        SEND = handle(linker, libc, "send", FunctionDescriptor.of(l, i, l, l, i));
        SHUTDOWN = handle(linker, libc, "shutdown", FunctionDescriptor.of(i, i, i));
        CLOSE = handle(linker, libc, "close", FunctionDescriptor.of(i, i));
        STRERROR = linker.downcallHandle(libc.find("strerror").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS.withTargetLayout(
                        MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE)), i));
    }

    private SocketCalls() {
    }

    private static MethodHandle handle(Linker linker, SymbolLookup libc, String name, FunctionDescriptor fd) {
        return linker.downcallHandle(libc.find(name).orElseThrow(), fd,
                Linker.Option.captureCallState("errno"), Linker.Option.critical(false));
    }

    /** A non-blocking TCP socket for {@code address}'s family, with Nagle's algorithm off. */
    static int tcpSocket(InetAddress address) throws IOException {
        Scratch s = SCRATCH.get();
        int fd;
        try {
            fd = (int) SOCKET.invokeExact(s.state, address instanceof Inet6Address ? AF_INET6 : AF_INET,
                    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw failure("socket", s);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
        try {
            setTcpOption(fd, TCP_NODELAY, 1, "TCP_NODELAY");
        } catch (IOException e) {
            close(fd);
            throw e;
        }
        return fd;
    }

    /**
     * Lets the kernel delay acknowledgements on {@code fd} ({@code TCP_QUICKACK} off): set
     * before connecting, the handshake's last ACK waits for the first data segment and rides
     * on it, so the server accepts the connection and reads its first bytes at once.
     */
    static void delayAcks(int fd) throws IOException {
        setTcpOption(fd, TCP_QUICKACK, 0, "TCP_QUICKACK");
    }

    private static void setTcpOption(int fd, int option, int value, String name) throws IOException {
        Scratch s = SCRATCH.get();
        try {
            s.memory.set(ValueLayout.JAVA_INT, 0, value);
            if ((int) SETSOCKOPT.invokeExact(s.state, fd, IPPROTO_TCP, option, s.memory.address(), 4) < 0) {
                throw failure("setsockopt(" + name + ")", s);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /**
     * Starts connecting {@code fd} to {@code address}.
     *
     * @return true when connected already, false when the connect goes on (the socket reports
     *         writable once done)
     */
    static boolean connect(int fd, InetSocketAddress address) throws IOException {
        Scratch s = SCRATCH.get();
        int len = encode(address, s.memory);
        try {
            int r;
            do {
                r = (int) CONNECT.invokeExact(s.state, fd, s.memory.address(), len);
            } while (r < 0 && errno(s) == EINTR);
            if (r == 0) {
                return true;
            }
            if (errno(s) == EINPROGRESS) {
                return false;
            }
            throw failure("connect " + address, s);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** Why a connect failed ({@code SO_ERROR}), or null when it succeeded. */
    static IOException connectError(int fd) {
        Scratch s = SCRATCH.get();
        try {
            s.memory.set(ValueLayout.JAVA_INT, 0, 0);
            s.memory.set(ValueLayout.JAVA_INT, 8, 4);
            int r = (int) GETSOCKOPT.invokeExact(s.state, fd, SOL_SOCKET, SO_ERROR, s.memory.address(),
                    s.memory.address() + 8);
            if (r < 0) {
                return failure("getsockopt(SO_ERROR)", s);
            }
            int err = s.memory.get(ValueLayout.JAVA_INT, 0);
            return err == 0 ? null : new IOException("connect failed: " + describe(err));
        } catch (Throwable t) {
            return new IOException(t);
        }
    }

    /** Reads up to {@code length} bytes to {@code address}: the count, {@link #AGAIN} or {@link #EOF}. */
    static int recv(int fd, long address, int length) throws IOException {
        Scratch s = SCRATCH.get();
        long n;
        try {
            do {
                n = (long) RECV.invokeExact(s.state, fd, address, (long) length, 0);
            } while (n < 0 && errno(s) == EINTR);
        } catch (Throwable t) {
            throw new IOException(t);
        }
        if (n > 0) {
            return (int) n;
        }
        if (n == 0) {
            return length == 0 ? AGAIN : EOF;
        }
        if (errno(s) == EAGAIN) {
            return AGAIN;
        }
        throw failure("recv", s);
    }

    /**
     * Writes up to {@code length} bytes from {@code address}.
     *
     * @param more hold the bytes back for the FIN that follows at once ({@code MSG_MORE})
     * @return the bytes the kernel took, {@link #AGAIN} when the socket's buffer is full
     */
    static int send(int fd, long address, int length, boolean more) throws IOException {
        Scratch s = SCRATCH.get();
        long n;
        int flags = more ? MSG_NOSIGNAL | MSG_MORE : MSG_NOSIGNAL;
        try {
            do {
                n = (long) SEND.invokeExact(s.state, fd, address, (long) length, flags);
            } while (n < 0 && errno(s) == EINTR);
        } catch (Throwable t) {
            throw new IOException(t);
        }
        if (n >= 0) {
            return (int) n;
        }
        if (errno(s) == EAGAIN) {
            return AGAIN;
        }
        throw failure("send", s);
    }

    /** Shuts the socket's output: sends a FIN after what is queued. */
    static void shutdownOutput(int fd) throws IOException {
        Scratch s = SCRATCH.get();
        try {
            if ((int) SHUTDOWN.invokeExact(s.state, fd, SHUT_WR) < 0) {
                throw failure("shutdown", s);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** Closes a descriptor; an error (already closed) is ignored. */
    private static void close(int fd) {
        Scratch s = SCRATCH.get();
        try {
            int ignored = (int) CLOSE.invokeExact(s.state, fd);
        } catch (Throwable ignored) {
            // nothing more to do
        }
    }

    /** Writes {@code address} as a {@code sockaddr_in} or {@code sockaddr_in6}; returns its length. */
    private static int encode(InetSocketAddress address, MemorySegment sa) {
        sa.asSlice(0, SOCKADDR_SIZE).fill((byte) 0);
        InetAddress a = address.getAddress();
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) (a instanceof Inet6Address ? AF_INET6 : AF_INET));
        sa.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) address.getPort());
        byte[] raw = a.getAddress();
        if (a instanceof Inet6Address v6) {
            MemorySegment.copy(raw, 0, sa, ValueLayout.JAVA_BYTE, 8, 16);
            sa.set(ValueLayout.JAVA_INT_UNALIGNED, 24, v6.getScopeId());
            return SOCKADDR_SIZE;
        }
        MemorySegment.copy(raw, 0, sa, ValueLayout.JAVA_BYTE, 4, 4);
        return 16;
    }

    private static int errno(Scratch s) {
        return (int) ERRNO.get(s.state, 0L);
    }

    private static IOException failure(String call, Scratch s) {
        return new IOException(call + " failed: " + describe(errno(s)));
    }

    private static String describe(int errno) {
        try {
            return ((MemorySegment) STRERROR.invokeExact(errno)).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** Native memory each event loop reuses for its calls. */
    private static final class Scratch {
        final MemorySegment state;
        final MemorySegment memory;

        Scratch() {
            Arena arena = Arena.ofAuto();
            state = arena.allocate(STATE);
            memory = arena.allocate(64, 8);
        }
    }
}
