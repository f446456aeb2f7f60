package io.fulcrum.packet.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc calls the packet path needs, bound through FFM ({@code java.lang.foreign}), each
 * returning its result and failing with the {@code errno} text. Linux x86-64 / aarch64 constants.
 */
public final class Libc {

    public static final int AF_PACKET = 17;
    public static final int AF_INET = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_CLOEXEC = 0x80000;
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
    public static final int SOL_SOCKET = 1;
    public static final int SO_ERROR = 4;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int SIOCGIFHWADDR = 0x8927;
    public static final int CLONE_NEWNET = 0x40000000;
    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 0x80000;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    private static final MethodHandle SOCKET = bind("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = bind("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = bind("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle MMAP = bind("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = bind("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle POLL = bind("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SENDTO = bind("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = bind("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SCHED_SETAFFINITY = bind("sched_setaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle SCHED_GETAFFINITY = bind("sched_getaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle GETTID = bind("gettid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle IOCTL = bind("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle IF_NAMETOINDEX = bind("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SETNS = bind("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle OPEN = bind("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(),
            FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {
    }

    private static MethodHandle bind(String name, FunctionDescriptor fd) {
        MemorySegment sym = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        // captureCallState adds a leading MemorySegment parameter: where errno is written.
        return LINKER.downcallHandle(sym, fd, CAPTURE);
    }

    /**
     * Per-thread scratch for the captured errno: each call writes it before returning, so one
     * segment a thread is enough and no call allocates.
     */
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.global().allocate(CALL_STATE));

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** The C library's text for an errno. */
    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0) + " (errno " + errno + ")";
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static IOException fail(String call, int errno) {
        return new IOException(call + ": " + strerror(errno));
    }

    public static int socket(int domain, int type, int protocol) throws IOException {
        MemorySegment st = STATE.get();
        int r;
        try {
            r = (int) SOCKET.invokeExact(st, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw fail("socket", errno(st));
        }
        return r;
    }

    public static void bind(int fd, MemorySegment addr) throws IOException {
        MemorySegment st = STATE.get();
        int r;
        try {
            r = (int) BIND.invokeExact(st, fd, addr, (int) addr.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw fail("bind", errno(st));
        }
    }

    public static void setsockopt(int fd, int level, int name, MemorySegment value, String what) throws IOException {
        MemorySegment st = STATE.get();
        int r;
        try {
            r = (int) SETSOCKOPT.invokeExact(st, fd, level, name, value, (int) value.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw fail("setsockopt " + what, errno(st));
        }
    }

    /** Maps {@code length} bytes of a descriptor shared, read-write. */
    public static MemorySegment mmap(int fd, long length) throws IOException {
        MemorySegment st = STATE.get();
        MemorySegment r;
        try {
            r = (MemorySegment) MMAP.invokeExact(st, MemorySegment.NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED,
                    fd, 0L);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r.address() == -1L) {
            throw fail("mmap", errno(st));
        }
        return r.reinterpret(length);
    }

    public static void munmap(MemorySegment region) {
        try {
            int ignored = (int) MUNMAP.invokeExact(STATE.get(), region, region.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code poll(2)} on {@code n} pollfds; returns the number ready, 0 on timeout or EINTR. */
    public static int poll(MemorySegment fds, int n, int timeoutMillis) throws IOException {
        MemorySegment st = STATE.get();
        int r;
        try {
            r = (int) POLL.invokeExact(st, fds, (long) n, timeoutMillis);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            int e = errno(st);
            if (e == EINTR) {
                return 0;
            }
            throw fail("poll", e);
        }
        return r;
    }

    /** {@code send(2)} on a bound socket; returns bytes sent, or -errno. */
    public static long send(int fd, MemorySegment buf, long len) {
        MemorySegment st = STATE.get();
        long r;
        try {
            r = (long) SENDTO.invokeExact(st, fd, buf, len, 0, MemorySegment.NULL, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return r < 0 ? -errno(st) : r;
    }

    /** {@code getsockopt(2)} into {@code value}; returns the length the kernel wrote. */
    public static int getsockopt(int fd, int level, int name, MemorySegment value, String what) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = STATE.get();
            MemorySegment len = a.allocateFrom(JAVA_INT, (int) value.byteSize());
            int r = (int) GETSOCKOPT.invokeExact(st, fd, level, name, value, len);
            if (r < 0) {
                throw fail("getsockopt " + what, errno(st));
            }
            return len.get(JAVA_INT, 0);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The calling thread's kernel thread id (its {@code /proc/self/task/ID}). */
    public static int gettid() {
        try {
            return (int) GETTID.invokeExact(STATE.get());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The CPUs the calling thread may run on ({@code sched_getaffinity(2)}), lowest first. */
    public static int[] allowedCpus() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = STATE.get();
            MemorySegment mask = a.allocate(128, 8); // 1024 CPUs
            int r = (int) SCHED_GETAFFINITY.invokeExact(st, 0, mask.byteSize(), mask);
            if (r < 0) {
                throw fail("sched_getaffinity", errno(st));
            }
            int[] out = new int[1024];
            int n = 0;
            for (int cpu = 0; cpu < 1024; cpu++) {
                if ((mask.get(java.lang.foreign.ValueLayout.JAVA_BYTE, cpu / 8) & (1 << (cpu % 8))) != 0) {
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

    /** Pins the calling thread to one CPU ({@code sched_setaffinity(2)}). */
    public static void pinTo(int cpu) throws IOException {
        if (cpu < 0 || cpu >= 1024) {
            throw new IOException("no CPU " + cpu);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = STATE.get();
            MemorySegment mask = a.allocate(128, 8);
            mask.set(java.lang.foreign.ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            int r = (int) SCHED_SETAFFINITY.invokeExact(st, 0, mask.byteSize(), mask);
            if (r < 0) {
                throw fail("sched_setaffinity to CPU " + cpu, errno(st));
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(STATE.get(), fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void ioctl(int fd, long request, MemorySegment arg, String what) throws IOException {
        MemorySegment st = STATE.get();
        int r;
        try {
            r = (int) IOCTL.invokeExact(st, fd, request, arg);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw fail("ioctl " + what, errno(st));
        }
    }

    /** The index of a network interface of the calling thread's namespace. */
    public static int ifNameToIndex(String name) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = STATE.get();
            int r = (int) IF_NAMETOINDEX.invokeExact(st, a.allocateFrom(name));
            if (r == 0) {
                throw new IOException("no network interface " + name + ": " + strerror(errno(st)));
            }
            return r;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Moves the calling thread into the network namespace of a namespace file. */
    public static void enterNetns(String path) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = STATE.get();
            int fd = (int) OPEN.invokeExact(st, a.allocateFrom(path), O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                throw new IOException("open " + path + ": " + strerror(errno(st)));
            }
            int r = (int) SETNS.invokeExact(st, fd, CLONE_NEWNET);
            int e = errno(st);
            close(fd);
            if (r < 0) {
                throw new IOException("setns " + path + ": " + strerror(e));
            }
        } catch (IOException e) {
            throw e;
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
