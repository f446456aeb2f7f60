package io.fulcrum.packet.sys;

import io.fulcrum.nativeio.Libc;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * An {@code AF_PACKET} socket bound to one interface, with two memory-mapped {@code TPACKET_V2}
 * rings: a receive ring the kernel fills one frame slot at a time (so a lone frame is handed
 * over at once, not when a block fills or its retire timer fires, as with {@code TPACKET_V3}),
 * and a transmit ring: a frame to send is copied into its next slot and a whole batch leaves
 * with one {@code sendto(2)} that tells the kernel to send every slot marked. Nothing is
 * allocated per frame.
 *
 * <p>Used by one thread (the packet path's); {@link #close} from another thread only after
 * that thread stopped.
 */
public final class PacketSocket implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PacketSocket.class);

    /** A frame was rewritten in place and is to be sent. */
    public static final int SEND = 1;
    /** The frame is left alone (the kernel's copy goes its own way). */
    public static final int PASS = 0;

    /** {@code sll_pkttype} values. */
    public static final int PACKET_HOST = 0;
    public static final int PACKET_OUTGOING = 4;
    /** {@code tp_status}: the L4 checksum is only the pseudo-header's (a local sender's offload). */
    public static final int TP_STATUS_CSUMNOTREADY = 8;

    private static final int TP_STATUS_KERNEL = 0;
    private static final int TP_STATUS_USER = 1;
    private static final int TP_STATUS_AVAILABLE = 0;
    private static final int TP_STATUS_SEND_REQUEST = 1;
    private static final int TP_STATUS_WRONG_FORMAT = 4;
    private static final int PACKET_QDISC_BYPASS = 20;
    private static final int PACKET_MR_ALLMULTI = 2;
    /** {@code struct tpacket2_hdr} and the {@code sockaddr_ll} after it. */
    private static final int HDR_LEN = 4;
    private static final int HDR_SNAPLEN = 8;
    private static final int HDR_MAC = 12;
    private static final int SLL_PKTTYPE = 32 + 10;
    /** Where a transmit slot's frame starts: {@code TPACKET2_HDRLEN - sizeof(struct sockaddr_ll)}. */
    private static final int TX_DATA = 32;
    /** Frames handled per receive call at most, so queued work and sweeps get their turn under load. */
    private static final int RX_BATCH = 256;

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
    /** Both rings, one mapping: {@code rxFrames} receive slots, then {@code txFrames} transmit slots. */
    private final MemorySegment rings;
    private final int frameSize;
    private final int rxFrames;
    private final int txFrames;
    private final long txBase;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment pollfd;
    private long errors;
    private int rxNext;
    private int txNext;
    /** Slots marked for sending since the last {@code sendto}. */
    private int pending;
    /** Inside {@link #receive}: sends wait for the batch's one {@code sendto}. */
    private boolean batching;
    private long sent;
    private long sendErrors;
    private long sendCalls;
    private long received;
    private long truncated;

    private PacketSocket(String name, int fd, int ifindex, long mac, MemorySegment rings, int frameSize,
                         int rxFrames, int txFrames) {
        this.name = name;
        this.fd = fd;
        this.ifindex = ifindex;
        this.mac = mac;
        this.rings = rings;
        this.frameSize = frameSize;
        this.rxFrames = rxFrames;
        this.txFrames = txFrames;
        this.txBase = (long) rxFrames * frameSize;
        pollfd = arena.allocate(8, 8);
        pollfd.set(ValueLayout.JAVA_INT, 0, fd);
        pollfd.set(ValueLayout.JAVA_SHORT, 4, PacketCalls.POLLIN);
    }

    /**
     * Opens a socket on an interface of the calling thread's network namespace.
     *
     * @param blockSize ring block size (a multiple of the page size and of {@code frameSize})
     * @param rxBlocks  receive ring blocks
     * @param txBlocks  transmit ring blocks
     * @param frameSize a ring slot (headers included; larger frames are counted and skipped)
     */
    public static PacketSocket open(String interfaceName, int blockSize, int rxBlocks, int txBlocks, int frameSize)
            throws IOException {
        if (blockSize % frameSize != 0) {
            throw new IllegalArgumentException("block size " + blockSize + " is not a multiple of " + frameSize);
        }
        int ifindex = PacketCalls.ifNameToIndex(interfaceName);
        int fd = Libc.socket(PacketCalls.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Short.reverseBytes((short) PacketCalls.ETH_P_ALL));
        try (Arena a = Arena.ofConfined()) {
            Libc.setsockopt(fd, PacketCalls.SOL_PACKET, PacketCalls.PACKET_VERSION, a.allocateFrom(ValueLayout.JAVA_INT, PacketCalls.TPACKET_V2),
                    "PACKET_VERSION");
            // Our own sends are not received back.
            Libc.setsockopt(fd, PacketCalls.SOL_PACKET, PacketCalls.PACKET_IGNORE_OUTGOING, a.allocateFrom(ValueLayout.JAVA_INT, 1),
                    "PACKET_IGNORE_OUTGOING");
            // A slot the kernel refuses (too long, say) is skipped instead of stopping the batch.
            Libc.setsockopt(fd, PacketCalls.SOL_PACKET, PacketCalls.PACKET_LOSS, a.allocateFrom(ValueLayout.JAVA_INT, 1),
                    "PACKET_LOSS");
            try {
                Libc.setsockopt(fd, PacketCalls.SOL_PACKET, PACKET_QDISC_BYPASS, a.allocateFrom(ValueLayout.JAVA_INT, 1),
                        "PACKET_QDISC_BYPASS");
            } catch (IOException e) {
                // an older kernel: sends go through the qdisc, which is only slower
            }
            int perBlock = blockSize / frameSize;
            MemorySegment req = a.allocate(16, 4);
            req.set(ValueLayout.JAVA_INT, 0, blockSize);
            req.set(ValueLayout.JAVA_INT, 4, rxBlocks);
            req.set(ValueLayout.JAVA_INT, 8, frameSize);
            req.set(ValueLayout.JAVA_INT, 12, rxBlocks * perBlock);
            Libc.setsockopt(fd, PacketCalls.SOL_PACKET, PacketCalls.PACKET_RX_RING, req, "PACKET_RX_RING");
            req.set(ValueLayout.JAVA_INT, 4, txBlocks);
            req.set(ValueLayout.JAVA_INT, 12, txBlocks * perBlock);
            Libc.setsockopt(fd, PacketCalls.SOL_PACKET, PacketCalls.PACKET_TX_RING, req, "PACKET_TX_RING");
            // One mapping holds the receive ring and then the transmit ring.
            MemorySegment rings = PacketCalls.mmap(fd, (long) blockSize * (rxBlocks + txBlocks));
            MemorySegment sll = a.allocate(20, 4);
            sll.set(ValueLayout.JAVA_SHORT, 0, (short) PacketCalls.AF_PACKET);
            sll.set(ValueLayout.JAVA_SHORT, 2, Short.reverseBytes((short) PacketCalls.ETH_P_ALL));
            sll.set(ValueLayout.JAVA_INT, 4, ifindex);
            Libc.bind(fd, sll, (int) sll.byteSize());
            // NDP solicitations go to solicited-node multicast groups nobody joined for a VIP.
            MemorySegment mreq = a.allocate(16, 4);
            mreq.set(ValueLayout.JAVA_INT, 0, ifindex);
            mreq.set(ValueLayout.JAVA_SHORT, 4, (short) PACKET_MR_ALLMULTI);
            Libc.setsockopt(fd, PacketCalls.SOL_PACKET, PacketCalls.PACKET_ADD_MEMBERSHIP, mreq, "PACKET_ADD_MEMBERSHIP");
            MemorySegment ifr = a.allocate(40, 8);
            ifr.setString(0, interfaceName);
            PacketCalls.ioctl(fd, PacketCalls.SIOCGIFHWADDR, ifr, "SIOCGIFHWADDR");
            long mac = 0;
            for (int i = 0; i < 6; i++) {
                mac = (mac << 8) | (ifr.get(ValueLayout.JAVA_BYTE, 18 + i) & 0xFF);
            }
            return new PacketSocket(interfaceName, fd, ifindex, mac, rings, frameSize, rxBlocks * perBlock,
                    txBlocks * perBlock);
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
     * Handles the frames the kernel has put in the receive ring (up to a batch), waiting up to
     * {@code timeoutMillis} for the first one; the frames to send leave together at the end. The
     * handler runs holding {@code lock} (taken once per batch, not while waiting).
     *
     * @return frames handled
     */
    public int receive(FrameHandler handler, int timeoutMillis, Object lock) throws IOException {
        if (!ready(rxNext)) {
            pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
            if (PacketCalls.poll(pollfd, 1, timeoutMillis) > 0
                    && (pollfd.get(ValueLayout.JAVA_SHORT, 6) & PacketCalls.POLL_ERRORS) != 0) {
                clearError();
            }
        }
        int n = 0;
        synchronized (lock) {
            batching = true;
            try {
                while (n < RX_BATCH && ready(rxNext)) {
                    handle((long) rxNext * frameSize, handler);
                    rxNext = (rxNext + 1) % rxFrames;
                    n++;
                }
            } finally {
                batching = false;
                flush();
            }
        }
        return n;
    }

    /**
     * Reads (and so clears) the error the kernel reported on the socket: the interface went down
     * or was removed ({@code ENETDOWN}). Until it is read, every {@code poll} returns at once with
     * {@code POLLERR}, and the packet thread would spin on a core. Frames resume by themselves when
     * an interface comes back up; a removed one sends none, and the thread then waits in poll.
     */
    private void clearError() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment value = a.allocate(ValueLayout.JAVA_INT);
            Libc.getsockopt(fd, Libc.SOL_SOCKET, Libc.SO_ERROR, value, "SO_ERROR");
            int error = value.get(ValueLayout.JAVA_INT, 0);
            if (error != 0) {
                errors++;
                LOG.warn("packet socket on {}: {} (the interface is down or gone; waiting for frames)", name,
                        Libc.strerror(error));
            }
        }
    }

    /** The socket's file descriptor (for the tests of this package, which poll it themselves). */
    int descriptor() {
        return fd;
    }

    /** Errors the kernel reported on this socket (each read and cleared by the receive loop). */
    public long errors() {
        return errors;
    }

    private boolean ready(int slot) {
        int status = (int) INT.getAcquire(rings, (long) slot * frameSize);
        return (status & TP_STATUS_USER) != 0;
    }

    private void handle(long hdr, FrameHandler handler) {
        int snap = rings.get(U32, hdr + HDR_SNAPLEN);
        int len = rings.get(U32, hdr + HDR_LEN);
        int status = rings.get(U32, hdr);
        long frame = hdr + Short.toUnsignedInt(rings.get(U16, hdr + HDR_MAC));
        int pktType = rings.get(ValueLayout.JAVA_BYTE, hdr + SLL_PKTTYPE) & 0xFF;
        received++;
        if (snap < len) {
            truncated++; // never forward part of a frame
        } else if (handler.frame(rings, frame, snap, pktType, status) == SEND) {
            queue(rings, frame, snap);
        }
        // The frame was copied if it is to be sent: the slot goes back to the kernel at once.
        INT.setRelease(rings, hdr, TP_STATUS_KERNEL);
    }

    /** Copies a frame into the next transmit slot; sends the batch first if the ring is full. */
    private void queue(MemorySegment from, long offset, int length) {
        if (length > frameSize - TX_DATA) {
            sendErrors++;
            return;
        }
        long slot = txBase + (long) txNext * frameSize;
        int status = (int) INT.getAcquire(rings, slot);
        if (status != TP_STATUS_AVAILABLE && status != TP_STATUS_WRONG_FORMAT) {
            flush();
            status = (int) INT.getAcquire(rings, slot);
            if (status != TP_STATUS_AVAILABLE && status != TP_STATUS_WRONG_FORMAT) {
                sendErrors++; // the kernel still holds the whole ring: the sender retransmits
                return;
            }
        }
        MemorySegment.copy(from, offset, rings, slot + TX_DATA, length);
        rings.set(U32, slot + HDR_LEN, length);
        INT.setRelease(rings, slot, TP_STATUS_SEND_REQUEST);
        txNext = (txNext + 1) % txFrames;
        pending++;
    }

    /**
     * Sends every marked slot with one {@code sendto}. It blocks until the kernel has taken them
     * (so their slots are free again); with {@code PACKET_QDISC_BYPASS} that is the driver's
     * transmit, not the wire.
     */
    private void flush() {
        if (pending == 0) {
            return;
        }
        sendCalls++;
        long r = PacketCalls.send(fd, MemorySegment.NULL, 0);
        if (r < 0) {
            sendErrors += pending; // ENOBUFS and the like: the senders retransmit
        } else {
            sent += pending;
        }
        pending = 0;
    }

    /**
     * Sends a frame built elsewhere (an ARP reply, a solicitation): with the current batch while
     * frames are being handled, at once otherwise.
     */
    public void send(MemorySegment frame, int length) {
        queue(frame, 0, length);
        if (!batching) {
            flush();
        }
    }

    /** Frames the kernel put in the receive ring and frames it dropped for want of a free slot, since the last call. */
    public long[] kernelStatistics() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(8, 4);
            Libc.getsockopt(fd, PacketCalls.SOL_PACKET, PacketCalls.PACKET_STATISTICS, st, "PACKET_STATISTICS");
            return new long[] {Integer.toUnsignedLong(st.get(ValueLayout.JAVA_INT, 0)),
                    Integer.toUnsignedLong(st.get(ValueLayout.JAVA_INT, 4))};
        }
    }

    public long framesReceived() { return received; }
    public long framesSent() { return sent; }
    public long sendErrors() { return sendErrors; }
    /** {@code sendto} calls made: one per batch of frames sent. */
    public long sendCalls() { return sendCalls; }
    /** Frames longer than the ring's frame size (for example GSO super-frames of a local sender), skipped. */
    public long framesTruncated() { return truncated; }
    public int frameSize() { return frameSize; }

    @Override
    public void close() {
        PacketCalls.munmap(rings);
        Libc.close(fd);
        arena.close();
    }
}
