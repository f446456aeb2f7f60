package io.fulcrum.l4.tcp.direct;

import io.fulcrum.nativeio.Libc;
import io.fulcrum.nativeio.SocketAddresses;
import io.netty.util.concurrent.FastThreadLocal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The socket system calls of the direct relay, made through the JDK's foreign-function
 * interface on plain descriptors. One instance per event loop holds the native memory its
 * calls need ({@link #current()}); a flow takes it once.
 *
 * <p>Why not Netty's socket wrapper: wrapping a descriptor asks the kernel for its address
 * family ({@code getsockname}), which cost the relay two system calls per connection, and its
 * send takes no flags, so the last bytes of a connection and its FIN could not leave in one
 * segment ({@code MSG_MORE}, as HAProxy sends them). The calls are declared critical: each is a
 * non-blocking socket call that returns in microseconds and never calls back into Java, so the
 * thread-state transitions of an ordinary downcall are not needed.
 *
 * <p>Results follow Netty's convention: a read returns the bytes read, {@link #AGAIN} when the
 * socket is empty and {@link #EOF} at the end of input. {@link #recv} and {@link #send} report a
 * failure as a code below {@link #EOF} (see {@link #isFailure}), not as an exception: they run
 * for every chunk relayed, and a catch block that a connection reset reaches for the first time
 * makes the JIT throw away and recompile the relay's hottest method. The set-up calls throw an
 * {@link IOException} that names the call and the error.
 */
final class SocketCalls {

    /** Nothing to read, or no room to write, for now. */
    static final int AGAIN = 0;
    /** The end of input. */
    static final int EOF = -1;

    private static final int IPPROTO_TCP = 6;
    private static final int TCP_NODELAY = 1;
    private static final int TCP_QUICKACK = 12;
    private static final int MSG_MORE = 0x8000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int EINPROGRESS = 115;

    /** Option values 0 and 1 for {@code setsockopt}, written once: a call passes their address. */
    private static final MemorySegment OPTION_VALUES = Arena.global().allocate(8, 4);
    private static final MethodHandle SOCKET;
    private static final MethodHandle SETSOCKOPT;
    private static final MethodHandle GETSOCKOPT;
    private static final MethodHandle CONNECT;
    private static final MethodHandle RECV;
    private static final MethodHandle SEND;
    private static final MethodHandle SHUTDOWN;
    private static final MethodHandle CLOSE;

    private static final FastThreadLocal<SocketCalls> LOCAL = new FastThreadLocal<>() {
        @Override
        protected SocketCalls initialValue() {
            return new SocketCalls();
        }
    };

    static {
        OPTION_VALUES.set(ValueLayout.JAVA_INT, 0, 0);
        OPTION_VALUES.set(ValueLayout.JAVA_INT, 4, 1);
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        ValueLayout.OfLong l = ValueLayout.JAVA_LONG;
        // Pointers are passed as addresses in a long: both 64-bit Linux ABIs pass them alike.
        SOCKET = handle("socket", FunctionDescriptor.of(i, i, i, i));
        SETSOCKOPT = handle("setsockopt", FunctionDescriptor.of(i, i, i, i, l, i));
        GETSOCKOPT = handle("getsockopt", FunctionDescriptor.of(i, i, i, i, l, l));
        CONNECT = handle("connect", FunctionDescriptor.of(i, i, l, i));
        RECV = handle("recv", FunctionDescriptor.of(l, i, l, l, i));
        SEND = handle("send", FunctionDescriptor.of(l, i, l, l, i));
        SHUTDOWN = handle("shutdown", FunctionDescriptor.of(i, i, i));
        CLOSE = handle("close", FunctionDescriptor.of(i, i));
    }

    /** Where the linker leaves errno after each call. */
    private final MemorySegment state;
    /** Room for an address ({@code connect}) or an option value ({@code getsockopt}). */
    private final MemorySegment memory;

    private SocketCalls() {
        Arena arena = Arena.ofAuto();
        state = Libc.newCallState(arena);
        memory = arena.allocate(64, 8);
    }

    /** The calling event loop's instance. */
    static SocketCalls current() {
        return LOCAL.get();
    }

    /** The critical variant of a call (see above), errno captured. */
    private static MethodHandle handle(String name, FunctionDescriptor fd) {
        return Libc.downcall(name, fd, true, Linker.Option.critical(false));
    }

    /** Whether a result of {@link #recv} or {@link #send} is a failure. */
    static boolean isFailure(int result) {
        return result < EOF;
    }

    /** The failure a {@link #recv} or {@link #send} result stands for, naming {@code call}. */
    static IOException failure(String call, int result) {
        return new IOException(call + " failed: " + describe(-1 - result));
    }

    /** A non-blocking TCP socket for {@code address}'s family, with Nagle's algorithm off. */
    int tcpSocket(InetAddress address) throws IOException {
        int fd;
        try {
            fd = (int) SOCKET.invokeExact(state, address instanceof Inet6Address ? Libc.AF_INET6 : Libc.AF_INET,
                    Libc.SOCK_STREAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
        } catch (Throwable t) {
            throw new IOException(t);
        }
        if (fd < 0) {
            throw failure("socket");
        }
        try {
            setTcpOption(fd, TCP_NODELAY, true, "TCP_NODELAY");
        } catch (IOException e) {
            close(fd);
            throw e;
        }
        return fd;
    }

    /**
     * Lets the kernel delay acknowledgements on {@code fd} ({@code TCP_QUICKACK} off), so an
     * ACK waits for data going the other way and rides on it. On an accepted socket: the ACK
     * of the client's first bytes leaves with the answer. Set before connecting: the
     * handshake's last ACK waits for the first data segment, so the server accepts the
     * connection and reads its first bytes at once; left alone, the kernel sends that ACK only
     * after 200 ms, and goes on delaying the ACKs of what the server sends, so call
     * {@link #ackNow} once the first bytes are sent, or when none are coming.
     */
    void delayAcks(int fd) throws IOException {
        setTcpOption(fd, TCP_QUICKACK, false, "TCP_QUICKACK");
    }

    /**
     * Back to acknowledging at once on {@code fd} ({@code TCP_QUICKACK} on): an ACK the kernel
     * holds back leaves now.
     */
    void ackNow(int fd) throws IOException {
        setTcpOption(fd, TCP_QUICKACK, true, "TCP_QUICKACK");
    }

    private void setTcpOption(int fd, int option, boolean on, String name) throws IOException {
        int r;
        try {
            r = (int) SETSOCKOPT.invokeExact(state, fd, IPPROTO_TCP, option,
                    OPTION_VALUES.address() + (on ? 4 : 0), 4);
        } catch (Throwable t) {
            throw new IOException(t);
        }
        if (r < 0) {
            throw failure("setsockopt(" + name + ")");
        }
    }

    /**
     * Starts connecting {@code fd} to {@code address}.
     *
     * @return true when connected already, false when the connect goes on (the socket reports
     *         writable once done)
     */
    boolean connect(int fd, InetSocketAddress address) throws IOException {
        int len = SocketAddresses.encode(address, memory);
        int r;
        try {
            do {
                r = (int) CONNECT.invokeExact(state, fd, memory.address(), len);
            } while (r < 0 && errno() == Libc.EINTR);
        } catch (Throwable t) {
            throw new IOException(t);
        }
        if (r == 0) {
            return true;
        }
        if (errno() == EINPROGRESS) {
            return false;
        }
        throw failure("connect " + address);
    }

    /** Why a connect failed ({@code SO_ERROR}), or null when it succeeded. */
    IOException connectError(int fd) {
        memory.set(ValueLayout.JAVA_INT, 0, 0);
        memory.set(ValueLayout.JAVA_INT, 8, 4);
        int r;
        try {
            r = (int) GETSOCKOPT.invokeExact(state, fd, Libc.SOL_SOCKET, Libc.SO_ERROR, memory.address(),
                    memory.address() + 8);
        } catch (Throwable t) {
            return new IOException(t);
        }
        if (r < 0) {
            return failure("getsockopt(SO_ERROR)");
        }
        int err = memory.get(ValueLayout.JAVA_INT, 0);
        return err == 0 ? null : new IOException("connect failed: " + describe(err));
    }

    /**
     * Reads up to {@code length} bytes to {@code address}.
     *
     * @return the count, {@link #AGAIN}, {@link #EOF}, or a failure ({@link #isFailure})
     */
    int recv(int fd, long address, int length) {
        long n;
        try {
            do {
                n = (long) RECV.invokeExact(state, fd, address, (long) length, 0);
            } while (n < 0 && errno() == Libc.EINTR);
        } catch (Throwable t) {
            throw new IllegalStateException(t); // a downcall handle does not throw
        }
        if (n > 0) {
            return (int) n;
        }
        if (n == 0) {
            return length == 0 ? AGAIN : EOF;
        }
        int e = errno();
        return e == Libc.EAGAIN ? AGAIN : -1 - e;
    }

    /**
     * Writes up to {@code length} bytes from {@code address}.
     *
     * @param more hold the bytes back for the FIN that follows at once ({@code MSG_MORE})
     * @return the bytes the kernel took, {@link #AGAIN} when the socket's buffer is full, or a
     *         failure ({@link #isFailure})
     */
    int send(int fd, long address, int length, boolean more) {
        long n;
        int flags = more ? MSG_NOSIGNAL | MSG_MORE : MSG_NOSIGNAL;
        try {
            do {
                n = (long) SEND.invokeExact(state, fd, address, (long) length, flags);
            } while (n < 0 && errno() == Libc.EINTR);
        } catch (Throwable t) {
            throw new IllegalStateException(t); // a downcall handle does not throw
        }
        if (n >= 0) {
            return (int) n;
        }
        int e = errno();
        return e == Libc.EAGAIN ? AGAIN : -1 - e;
    }

    /** Shuts the socket's output: sends a FIN after what is queued. */
    void shutdownOutput(int fd) throws IOException {
        int r;
        try {
            r = (int) SHUTDOWN.invokeExact(state, fd, Libc.SHUT_WR);
        } catch (Throwable t) {
            throw new IOException(t);
        }
        if (r < 0) {
            throw failure("shutdown");
        }
    }

    /** Closes a descriptor; an error (already closed) is ignored. */
    private void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable ignored) {
            // nothing more to do
        }
    }

    private int errno() {
        return Libc.errno(state);
    }

    private IOException failure(String call) {
        return new IOException(call + " failed: " + describe(errno()));
    }

    private static String describe(int errno) {
        return Libc.strerror(errno);
    }
}
