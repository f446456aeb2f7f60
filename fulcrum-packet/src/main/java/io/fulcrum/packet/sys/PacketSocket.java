package io.fulcrum.packet.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * An {@code AF_PACKET} socket bound to one interface, receiving through a memory-mapped
 * {@code TPACKET_V3} ring and sending with {@code sendmmsg(2)} straight from the ring: a frame
 * rewritten in place is sent without a copy, and a whole block's frames leave in one call
 * before the block goes back to the kernel. Nothing is allocated per frame.
 *
 * <p>Used by one thread (the packet path's); {@link #close} from another thread only after
 * that thread stopped.
 */
public final class PacketSocket implements AutoCloseable {

    /** A frame was rewritten in place and is to be sent. */
    public static final int SEND = 1;
    /** The frame is left alone (the kernel's copy goes its own way). */
    public static final int PASS = 0;

    /** {@code sll_pkttype} values. */
    public static final int PACKET_HOST = 0;
    public static final int PACKET_OUTGOING = 4;
    /** {@code tp_status}: the L4 checksum is only the pseudo-header's (a local sender's offload). */
    public static final int TP_STATUS_CSUMNOTREADY = 8;

    private static final int TP_STATUS_USER = 1;
    private static final int TP_STATUS_KERNEL = 0;
    private static final int PACKET_QDISC_BYPASS = 20;
    private static final int PACKET_MR_ALLMULTI = 2;
    private static final int BATCH = 64;
    private static final int MMSGHDR = 64;
    private static final int IOVEC = 16;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    /** Receives each frame of the ring; returns {@link #SEND} or {@link #PASS}. */
    @FunctionalInterface
    public interface FrameHandler {
        /**
         * @param ring     the ring (the frame is {@code ring[offset, offset + length)})
         * @param offset   where the Ethernet header starts
         * @param length   captured bytes (a frame longer than the ring's frame is never passed)
         * @param pktType  {@code sll_pkttype}
         * @param status   {@code tp_status} flags
         */
        int frame(MemorySegment ring, long offset, int length, int pktType, int status);
    }

    private final String name;
    private final int fd;
    private final int ifindex;
    private final long mac;
    private final MemorySegment ring;
    private final int blockSize;
    private final int blocks;
    private final int frameSize;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment pollfd;
    private final MemorySegment msgs;
    private final MemorySegment iovs;
    private int pending;
    private int nextBlock;
    private long sent;
    private long sendErrors;
    private long received;
    private long truncated;

    private PacketSocket(String name, int fd, int ifindex, long mac, MemorySegment ring, int blockSize, int blocks,
                         int frameSize) {
        this.name = name;
        this.fd = fd;
        this.ifindex = ifindex;
        this.mac = mac;
        this.ring = ring;
        this.blockSize = blockSize;
        this.blocks = blocks;
        this.frameSize = frameSize;
        pollfd = arena.allocate(8, 8);
        pollfd.set(ValueLayout.JAVA_INT, 0, fd);
        pollfd.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
        msgs = arena.allocate((long) MMSGHDR * BATCH, 8);
        iovs = arena.allocate((long) IOVEC * BATCH, 8);
        for (int i = 0; i < BATCH; i++) {
            long m = (long) i * MMSGHDR;
            msgs.set(ValueLayout.ADDRESS, m + 16, iovs.asSlice((long) i * IOVEC, IOVEC)); // msg_iov
            msgs.set(ValueLayout.JAVA_LONG, m + 24, 1L); // msg_iovlen
        }
    }

    /**
     * Opens a socket on an interface of the calling thread's network namespace.
     *
     * @param blockSize ring block size (a multiple of the page size)
     * @param blocks    ring blocks
     * @param frameSize largest frame kept (larger ones are counted and skipped)
     */
    public static PacketSocket open(String interfaceName, int blockSize, int blocks, int frameSize) throws IOException {
        int ifindex = Libc.ifNameToIndex(interfaceName);
        int fd = Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Short.reverseBytes((short) Libc.ETH_P_ALL));
        try (Arena a = Arena.ofConfined()) {
            Libc.setsockopt(fd, Libc.SOL_PACKET, Libc.PACKET_VERSION, a.allocateFrom(ValueLayout.JAVA_INT, Libc.TPACKET_V3),
                    "PACKET_VERSION");
            // Our own sends are not received back.
            Libc.setsockopt(fd, Libc.SOL_PACKET, Libc.PACKET_IGNORE_OUTGOING, a.allocateFrom(ValueLayout.JAVA_INT, 1),
                    "PACKET_IGNORE_OUTGOING");
            try {
                Libc.setsockopt(fd, Libc.SOL_PACKET, PACKET_QDISC_BYPASS, a.allocateFrom(ValueLayout.JAVA_INT, 1),
                        "PACKET_QDISC_BYPASS");
            } catch (IOException e) {
                // an older kernel: sends go through the qdisc, which is only slower
            }
            MemorySegment req = a.allocate(28, 4);
            req.set(ValueLayout.JAVA_INT, 0, blockSize);
            req.set(ValueLayout.JAVA_INT, 4, blocks);
            req.set(ValueLayout.JAVA_INT, 8, frameSize);
            req.set(ValueLayout.JAVA_INT, 12, (int) ((long) blockSize * blocks / frameSize));
            req.set(ValueLayout.JAVA_INT, 16, 1); // retire a partly filled block after 1 ms
            Libc.setsockopt(fd, Libc.SOL_PACKET, Libc.PACKET_RX_RING, req, "PACKET_RX_RING");
            MemorySegment ring = Libc.mmap(fd, (long) blockSize * blocks);
            MemorySegment sll = a.allocate(20, 4);
            sll.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_PACKET);
            sll.set(ValueLayout.JAVA_SHORT, 2, Short.reverseBytes((short) Libc.ETH_P_ALL));
            sll.set(ValueLayout.JAVA_INT, 4, ifindex);
            Libc.bind(fd, sll);
            // NDP solicitations go to solicited-node multicast groups nobody joined for a VIP.
            MemorySegment mreq = a.allocate(16, 4);
            mreq.set(ValueLayout.JAVA_INT, 0, ifindex);
            mreq.set(ValueLayout.JAVA_SHORT, 4, (short) PACKET_MR_ALLMULTI);
            Libc.setsockopt(fd, Libc.SOL_PACKET, Libc.PACKET_ADD_MEMBERSHIP, mreq, "PACKET_ADD_MEMBERSHIP");
            MemorySegment ifr = a.allocate(40, 8);
            ifr.setString(0, interfaceName);
            Libc.ioctl(fd, Libc.SIOCGIFHWADDR, ifr, "SIOCGIFHWADDR");
            long mac = 0;
            for (int i = 0; i < 6; i++) {
                mac = (mac << 8) | (ifr.get(ValueLayout.JAVA_BYTE, 18 + i) & 0xFF);
            }
            return new PacketSocket(interfaceName, fd, ifindex, mac, ring, blockSize, blocks, frameSize);
        } catch (IOException | RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** The interface's MAC address in the low 48 bits. */
    public long mac() {
        return mac;
    }

    public String interfaceName() {
        return name;
    }

    public int ifindex() {
        return ifindex;
    }

    /**
     * Handles every frame of the blocks the kernel has filled, waiting up to {@code timeoutMillis}
     * for the first one. The handler runs holding {@code lock} (taken once for all ready blocks,
     * not while waiting).
     *
     * @return frames handled
     */
    public int receive(FrameHandler handler, int timeoutMillis, Object lock) throws IOException {
        if (!ready(nextBlock)) {
            pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
            Libc.poll(pollfd, 1, timeoutMillis);
        }
        int n = 0;
        synchronized (lock) {
            while (ready(nextBlock)) {
                n += drain(nextBlock, handler);
                nextBlock = (nextBlock + 1) % blocks;
            }
        }
        return n;
    }

    private boolean ready(int block) {
        int status = (int) INT.getAcquire(ring, (long) block * blockSize + 8);
        return (status & TP_STATUS_USER) != 0;
    }

    private int drain(int block, FrameHandler handler) {
        long base = (long) block * blockSize;
        int count = ring.get(U32, base + 12);
        long hdr = base + Integer.toUnsignedLong(ring.get(U32, base + 16));
        for (int i = 0; i < count; i++) {
            int snap = ring.get(U32, hdr + 12);
            int len = ring.get(U32, hdr + 16);
            int status = ring.get(U32, hdr + 20);
            int macOff = Short.toUnsignedInt(ring.get(U16, hdr + 24));
            int pktType = ring.get(ValueLayout.JAVA_BYTE, hdr + 58) & 0xFF;
            received++;
            if (snap < len) {
                truncated++; // never forward part of a frame
            } else if (handler.frame(ring, hdr + macOff, snap, pktType, status) == SEND) {
                queue(ring.address() + hdr + macOff, snap);
            }
            int next = ring.get(U32, hdr);
            if (next == 0) {
                break;
            }
            hdr += Integer.toUnsignedLong(next);
        }
        flush(); // the frames live in this block: out before it is handed back
        INT.setRelease(ring, base + 8, TP_STATUS_KERNEL);
        return count;
    }

    private void queue(long address, int length) {
        long iov = (long) pending * IOVEC;
        iovs.set(ValueLayout.JAVA_LONG, iov, address);
        iovs.set(ValueLayout.JAVA_LONG, iov + 8, length);
        if (++pending == BATCH) {
            flush();
        }
    }

    private void flush() {
        int off = 0;
        while (off < pending) {
            int r = Libc.sendmmsg(fd, msgs.asSlice((long) off * MMSGHDR), pending - off);
            if (r <= 0) {
                sendErrors += pending - off; // ENOBUFS and the like: the sender retransmits
                break;
            }
            sent += r;
            off += r;
        }
        pending = 0;
    }

    /** Sends a frame built elsewhere (an ARP reply, a solicitation) at once. */
    public void send(MemorySegment frame, int length) {
        long r = Libc.send(fd, frame, length);
        if (r < 0) {
            sendErrors++;
        } else {
            sent++;
        }
    }

    public long framesReceived() { return received; }
    public long framesSent() { return sent; }
    public long sendErrors() { return sendErrors; }
    /** Frames longer than the ring's frame size (for example GSO super-frames of a local sender), skipped. */
    public long framesTruncated() { return truncated; }
    public int frameSize() { return frameSize; }

    @Override
    public void close() {
        Libc.munmap(ring);
        Libc.close(fd);
        arena.close();
    }
}
