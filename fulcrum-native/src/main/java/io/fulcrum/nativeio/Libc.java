package io.fulcrum.nativeio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libc calls more than one module makes, bound once through FFM ({@code java.lang.foreign}):
 * socket set-up ({@code socket}, {@code setsockopt}, {@code getsockopt}, {@code bind},
 * {@code getsockname}, {@code shutdown}, {@code close}), CPU affinity and {@code strerror}.
 * Each returns its result and fails with an {@link IOException} naming the call and the
 * {@code errno} text. A module binds the calls only it makes (batch UDP, packet rings) with
 * {@link #downcall} and reads their {@code errno} with {@link #errno}. Constants are those of
 * Linux on x86-64 and aarch64, the only platforms {@link #available()} accepts.
 */
public final class Libc {

    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_ERROR = 4;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_REUSEPORT = 15;
    public static final int SO_RCVTIMEO = 20;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    /** CPUs an affinity mask here holds (128 bytes, the kernel's default limit). */
    public static final int MAX_CPUS = 1024;

    private static final int MASK_BYTES = MAX_CPUS / 8;
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO = CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    /**
     * Per-thread scratch for the captured errno: each call writes it before returning, so one
     * segment a thread is enough and no call allocates.
     */
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.global().allocate(CALL_STATE));

    /** The bound calls, or why there are none (set together, once). */
    private static final class Calls {
        static final Throwable UNAVAILABLE;
        static final MethodHandle SOCKET;
        static final MethodHandle BIND;
        static final MethodHandle SETSOCKOPT;
        static final MethodHandle GETSOCKOPT;
        static final MethodHandle GETSOCKNAME;
        static final MethodHandle SHUTDOWN;
        static final MethodHandle CLOSE;
        static final MethodHandle SCHED_SETAFFINITY;
        static final MethodHandle SCHED_GETAFFINITY;
        static final MethodHandle GETTID;
        static final MethodHandle STRERROR;

        static {
            MethodHandle[] h = new MethodHandle[11];
            Throwable unavailable = null;
            String arch = System.getProperty("os.arch", "");
            if (!System.getProperty("os.name", "").startsWith("Linux")
                    || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
                unavailable = new UnsupportedOperationException("not Linux on x86-64 or aarch64");
            } else {
                try {
                    h[0] = downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), true);
                    h[1] = downcall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), true);
                    h[2] = downcall("setsockopt",
                            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), true);
                    h[3] = downcall("getsockopt",
                            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), true);
                    h[4] = downcall("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), true);
                    h[5] = downcall("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), true);
                    h[6] = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), true);
                    h[7] = downcall("sched_setaffinity", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
                            true);
                    h[8] = downcall("sched_getaffinity", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
                            true);
                    h[9] = downcall("gettid", FunctionDescriptor.of(JAVA_INT), true);
                    h[10] = downcall("strerror", FunctionDescriptor.of(ADDRESS.withTargetLayout(
                            MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE)), JAVA_INT), false);
                } catch (RuntimeException | Error e) {
                    unavailable = e; // no native access allowed, or a libc without these calls
                }
            }
            UNAVAILABLE = unavailable;
            SOCKET = h[0];
            BIND = h[1];
            SETSOCKOPT = h[2];
            GETSOCKOPT = h[3];
            GETSOCKNAME = h[4];
            SHUTDOWN = h[5];
            CLOSE = h[6];
            SCHED_SETAFFINITY = h[7];
            SCHED_GETAFFINITY = h[8];
            GETTID = h[9];
            STRERROR = h[10];
        }
    }

    private Libc() {
    }

    /** Whether the calls are there: Linux on x86-64 or aarch64, native access allowed. */
    public static boolean available() {
        return Calls.UNAVAILABLE == null;
    }

    /** Why {@link #available()} is false, or {@code null}. */
    public static String unavailableReason() {
        return Calls.UNAVAILABLE == null ? null : Calls.UNAVAILABLE.toString();
    }

    /**
     * A downcall handle for a libc function.
     *
     * @param captureErrno add a leading {@code MemorySegment} parameter where the call leaves
     *                     {@code errno} (a segment from {@link #newCallState}); read it with {@link #errno}
     * @param options      further linker options (e.g. {@code critical})
     * @throws UnsatisfiedLinkError libc has no such function
     */
    public static MethodHandle downcall(String name, FunctionDescriptor fd, boolean captureErrno,
                                        Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        MemorySegment symbol = libc.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        Linker.Option[] all = options;
        if (captureErrno) {
            all = java.util.Arrays.copyOf(options, options.length + 1);
            all[options.length] = CAPTURE;
        }
        return linker.downcallHandle(symbol, fd, all);
    }

    /** Room for the {@code errno} of calls bound with {@code captureErrno}, from {@code arena}. */
    public static MemorySegment newCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /** The calling thread's own call state (one segment a thread, never freed). */
    public static MemorySegment callState() {
        return STATE.get();
    }

    /** The {@code errno} the last call made with {@code state} left there. */
    public static int errno(MemorySegment state) {
        return state.get(JAVA_INT, ERRNO);
    }

    /** The C library's text for an errno, e.g. {@code "Address already in use (errno 98)"}. */
    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) Calls.STRERROR.invokeExact(errno);
            return s.getString(0) + " (errno " + errno + ")";
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** {@code call: text (errno N)} for the errno {@code state} holds. */
    public static IOException failure(String call, MemorySegment state) {
        return new IOException(call + ": " + strerror(errno(state)));
    }

    public static int socket(int domain, int type, int protocol) throws IOException {
        MemorySegment st = STATE.get();
        int r;
        try {
            r = (int) handle(Calls.SOCKET).invokeExact(st, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw failure("socket", st);
        }
        return r;
    }

    /** {@code bind(2)} to the first {@code length} bytes of {@code address} (see {@link SocketAddresses}). */
    public static void bind(int fd, MemorySegment address, int length) throws IOException {
        MemorySegment st = STATE.get();
        int r;
        try {
            r = (int) handle(Calls.BIND).invokeExact(st, fd, address, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw failure("bind", st);
        }
    }

    /** {@code getsockname(2)} into {@code address}; returns the length the kernel wrote. */
    public static int getsockname(int fd, MemorySegment address) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = STATE.get();
            MemorySegment len = a.allocateFrom(JAVA_INT, (int) address.byteSize());
            int r = (int) handle(Calls.GETSOCKNAME).invokeExact(st, fd, address, len);
            if (r < 0) {
                throw failure("getsockname", st);
            }
            return len.get(JAVA_INT, 0);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code setsockopt(2)} with the whole of {@code value}; {@code what} names the option in a failure. */
    public static void setsockopt(int fd, int level, int name, MemorySegment value, String what) throws IOException {
        MemorySegment st = STATE.get();
        int r;
        try {
            r = (int) handle(Calls.SETSOCKOPT).invokeExact(st, fd, level, name, value, (int) value.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw failure("setsockopt " + what, st);
        }
    }

    /** {@code setsockopt(2)} of an {@code int} option. */
    public static void setInt(int fd, int level, int name, int value, String what) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            setsockopt(fd, level, name, a.allocateFrom(JAVA_INT, value), what);
        }
    }

    /** {@code getsockopt(2)} into {@code value}; returns the length the kernel wrote. */
    public static int getsockopt(int fd, int level, int name, MemorySegment value, String what) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = STATE.get();
            MemorySegment len = a.allocateFrom(JAVA_INT, (int) value.byteSize());
            int r = (int) handle(Calls.GETSOCKOPT).invokeExact(st, fd, level, name, value, len);
            if (r < 0) {
                throw failure("getsockopt " + what, st);
            }
            return len.get(JAVA_INT, 0);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code shutdown(2)}; a failure (not connected, closed) is ignored. */
    public static void shutdown(int fd, int how) {
        try {
            int ignored = (int) handle(Calls.SHUTDOWN).invokeExact(STATE.get(), fd, how);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code close(2)}; a failure (already closed) is ignored. */
    public static void close(int fd) {
        try {
            int ignored = (int) handle(Calls.CLOSE).invokeExact(STATE.get(), fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The calling thread's kernel thread id (its {@code /proc/self/task/ID}). */
    public static int gettid() {
        try {
            return (int) handle(Calls.GETTID).invokeExact(STATE.get());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The CPUs the calling thread may run on ({@code sched_getaffinity(2)}), lowest first. */
    public static int[] allowedCpus() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = STATE.get();
            MemorySegment mask = a.allocate(MASK_BYTES, 8);
            int r = (int) handle(Calls.SCHED_GETAFFINITY).invokeExact(st, 0, mask.byteSize(), mask);
            if (r < 0) {
                throw failure("sched_getaffinity", st);
            }
            int[] out = new int[MAX_CPUS];
            int n = 0;
            for (int cpu = 0; cpu < MAX_CPUS; cpu++) {
                if ((mask.get(ValueLayout.JAVA_BYTE, cpu / 8) & (1 << (cpu % 8))) != 0) {
                    out[n++] = cpu;
                }
            }
            return java.util.Arrays.copyOf(out, n);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Lets the calling thread run on these CPUs only ({@code sched_setaffinity(2)}). */
    public static void setAffinity(int... cpus) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = STATE.get();
            MemorySegment mask = a.allocate(MASK_BYTES, 8);
            for (int cpu : cpus) {
                if (cpu < 0 || cpu >= MAX_CPUS) {
                    throw new IOException("no CPU " + cpu);
                }
                byte b = mask.get(ValueLayout.JAVA_BYTE, cpu / 8);
                mask.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (b | (1 << (cpu % 8))));
            }
            int r = (int) handle(Calls.SCHED_SETAFFINITY).invokeExact(st, 0, mask.byteSize(), mask);
            if (r < 0) {
                throw failure("sched_setaffinity to CPU " + CpuList.format(cpus), st);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static MethodHandle handle(MethodHandle h) {
        if (h == null) {
            throw new UnsupportedOperationException("no libc calls here: " + unavailableReason());
        }
        return h;
    }

    /** A downcall handle throws nothing checked; this keeps unchecked ones as they are. */
    public static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
