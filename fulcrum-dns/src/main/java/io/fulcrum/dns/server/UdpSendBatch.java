package io.fulcrum.dns.server;

import io.fulcrum.nativeio.Libc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The replies of one receive batch, sent with one {@code sendmmsg}: replies of the same length to
 * the same client go out as one message with UDP generic segmentation offload ({@code UDP_SEGMENT},
 * Linux 4.18+), which the kernel splits into the datagrams after one pass through the IP stack and
 * the device instead of one pass per datagram; every other reply is a message of its own.
 *
 * <p>Why: on loopback and on a NIC alike most of the cost of a small reply is the send path's
 * per-packet work, and a resolver (or a load generator) with queries in flight gets several
 * same-sized answers per batch. The client receives the same datagrams either way.
 *
 * <p>When the kernel or the route refuses a segmented message ({@code EIO} without checksum
 * offload, {@code EINVAL} for a segment over the route's MTU, an old kernel), its datagrams are sent
 * one by one and the socket sends without segmentation from then on
 * ({@code -Dfulcrum.dns.udpSegmentation=false} never segments). Replies over
 * {@link #MAX_SEGMENT} bytes are never grouped, so segments fit IPv6's minimum MTU.
 *
 * <p>Native memory (messages, iovecs, control messages) is allocated once; nothing per batch.
 * One thread uses it.
 */
final class UdpSendBatch {

    private static final Logger LOG = LoggerFactory.getLogger(UdpSendBatch.class);

    /** Largest reply grouped: 1280 (IPv6's minimum MTU) less the IPv6 and UDP headers. */
    static final int MAX_SEGMENT = 1232;
    /** Most datagrams in one segmented message (the kernel's UDP_MAX_SEGMENTS is 64 or more). */
    static final int MAX_SEGMENTS = 64;
    /** Most bytes in one segmented message (a UDP datagram's payload limit, with room to spare). */
    private static final int MAX_MESSAGE_BYTES = 65_000;

    /** {@code -Dfulcrum.dns.udpSegmentation=false} sends every reply as a message of its own. */
    static final boolean SEGMENTATION = !"false".equals(System.getProperty("fulcrum.dns.udpSegmentation"));

    private static final int SOL_UDP = 17;
    private static final int UDP_SEGMENT = 103;
    /** {@code CMSG_SPACE(sizeof(uint16_t))} and {@code CMSG_LEN(sizeof(uint16_t))} on LP64 Linux. */
    private static final int CMSG_SPACE = 24;
    private static final int CMSG_LEN = 18;
    private static final int MSG_CONTROL = 32;
    private static final int MSG_CONTROLLEN = 40;

    private final MemorySegment messages;
    private final MemorySegment iov;
    private final MemorySegment control;
    private final MemorySegment names;
    /** Each reply of the batch: its buffer's address, length, and its client's address (offset in {@link #names}, length). */
    private final long[] replyAddress;
    private final int[] replyLength;
    private final long[] nameOffset;
    private final int[] nameLength;
    private final boolean[] grouped;
    /** The reply each iovec was filled from. */
    private final int[] iovOrder;
    /** Each message: the index in {@link #iov} of its first datagram, and how many it has. */
    private final int[] messageFirst;
    private final int[] messageCount;
    private int replies;
    private boolean segmenting = SEGMENTATION;
    /** Datagrams sent inside segmented messages (read by tests from other threads). */
    private volatile long segmentedDatagrams;

    /**
     * A batch of up to {@code capacity} replies whose clients' addresses are in {@code names}
     * (the receive batch's address slots).
     */
    UdpSendBatch(Arena arena, int capacity, MemorySegment names) {
        this.names = names;
        messages = arena.allocate((long) capacity * UdpCalls.MMSGHDR_SIZE, 8);
        iov = arena.allocate((long) capacity * UdpCalls.IOVEC_SIZE, 8);
        control = arena.allocate((long) capacity * CMSG_SPACE, 8);
        for (int m = 0; m < capacity; m++) {
            long c = (long) m * CMSG_SPACE;
            control.set(ValueLayout.JAVA_LONG, c, CMSG_LEN);
            control.set(ValueLayout.JAVA_INT, c + 8, SOL_UDP);
            control.set(ValueLayout.JAVA_INT, c + 12, UDP_SEGMENT);
        }
        replyAddress = new long[capacity];
        replyLength = new int[capacity];
        nameOffset = new long[capacity];
        nameLength = new int[capacity];
        grouped = new boolean[capacity];
        iovOrder = new int[capacity];
        messageFirst = new int[capacity];
        messageCount = new int[capacity];
    }

    /** Adds a reply of {@code length} bytes at {@code address} for the client at {@code nameOffset} in the names. */
    void add(long address, int length, long nameOffset, int nameLength) {
        int i = replies++;
        replyAddress[i] = address;
        replyLength[i] = length;
        this.nameOffset[i] = nameOffset;
        this.nameLength[i] = nameLength;
    }

    /** How many datagrams went out inside segmented messages so far. */
    long segmentedDatagrams() {
        return segmentedDatagrams;
    }

    /** Whether replies are still grouped (no segmented message has been refused). */
    boolean segmenting() {
        return segmenting;
    }

    /**
     * Sends the replies added since the last call, going on after a partial send; a message the
     * kernel refuses for its address (one it cannot reach) is skipped, as a lost datagram would be.
     */
    void send(UdpCalls calls, int fd, Object socketName) {
        int n = replies;
        replies = 0;
        if (n == 0) {
            return;
        }
        int count = group(n, segmenting);
        int sent = 0;
        while (sent < count) {
            int r = calls.sendmmsg(fd, messages.address() + (long) sent * UdpCalls.MMSGHDR_SIZE, count - sent);
            if (r > 0) {
                countSegmented(sent, sent + r);
                sent += r;
            } else if (r == -UdpCalls.EINTR || r == -UdpCalls.EAGAIN) {
                continue;
            } else if (messageCount[sent] > 1) {
                segmenting = false;
                LOG.info("dns udp {}: the kernel refused a segmented send ({}); sending each reply alone from now on",
                        socketName, Libc.strerror(-r));
                sent = resendSingly(calls, fd, sent, count, socketName);
            } else {
                LOG.debug("dns udp {}: sendmmsg: {}", socketName, Libc.strerror(-r));
                sent++;
            }
        }
    }

    private void countSegmented(int from, int to) {
        long n = 0;
        for (int m = from; m < to; m++) {
            if (messageCount[m] > 1) {
                n += messageCount[m];
            }
        }
        if (n > 0) {
            segmentedDatagrams += n; // one writer: this socket's thread
        }
    }

    /** After a refused segmented message: the datagrams of messages {@code from..count-1}, each alone. */
    private int resendSingly(UdpCalls calls, int fd, int from, int count, Object socketName) {
        int first = messageFirst[from];
        int last = messageFirst[count - 1] + messageCount[count - 1];
        // The iovecs stay where they are; each becomes a message of one datagram.
        int m = 0;
        for (int k = first; k < last; k++, m++) {
            int reply = iovOrder[k];
            message(m, reply, k, 1);
        }
        int sent = 0;
        while (sent < m) {
            int r = calls.sendmmsg(fd, messages.address() + (long) sent * UdpCalls.MMSGHDR_SIZE, m - sent);
            if (r > 0) {
                sent += r;
            } else if (r != -UdpCalls.EINTR && r != -UdpCalls.EAGAIN) {
                LOG.debug("dns udp {}: sendmmsg: {}", socketName, Libc.strerror(-r));
                sent++;
            }
        }
        return count;
    }

    /**
     * Lays the replies out as messages: with {@code segment}, each reply with the later ones of
     * the same length to the same client (within the limits); else one message each.
     * Returns the number of messages.
     */
    private int group(int n, boolean segment) {
        for (int i = 0; i < n; i++) {
            grouped[i] = false;
        }
        int k = 0;
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (grouped[i]) {
                continue;
            }
            int first = k;
            iovEntry(k++, i);
            int len = replyLength[i];
            int count = 1;
            if (segment && len <= MAX_SEGMENT) {
                int most = Math.min(MAX_SEGMENTS, MAX_MESSAGE_BYTES / Math.max(len, 1));
                for (int j = i + 1; j < n && count < most; j++) {
                    if (!grouped[j] && replyLength[j] == len && sameClient(i, j)) {
                        grouped[j] = true;
                        iovEntry(k++, j);
                        count++;
                    }
                }
            }
            message(m++, i, first, count);
        }
        return m;
    }

    private void iovEntry(int k, int reply) {
        long at = (long) k * UdpCalls.IOVEC_SIZE;
        iov.set(ValueLayout.JAVA_LONG, at, replyAddress[reply]);
        iov.set(ValueLayout.JAVA_LONG, at + 8, replyLength[reply]);
        iovOrder[k] = reply;
    }

    /** Message {@code m}: {@code count} datagrams from iovec {@code first}, to {@code reply}'s client. */
    private void message(int m, int reply, int first, int count) {
        long h = (long) m * UdpCalls.MMSGHDR_SIZE;
        messages.set(ValueLayout.JAVA_LONG, h + UdpCalls.MSG_NAME, names.address() + nameOffset[reply]);
        messages.set(ValueLayout.JAVA_INT, h + UdpCalls.MSG_NAMELEN, nameLength[reply]);
        messages.set(ValueLayout.JAVA_LONG, h + UdpCalls.MSG_IOV, iov.address() + (long) first * UdpCalls.IOVEC_SIZE);
        messages.set(ValueLayout.JAVA_LONG, h + UdpCalls.MSG_IOVLEN, count);
        if (count > 1) {
            long c = (long) m * CMSG_SPACE;
            control.set(ValueLayout.JAVA_SHORT, c + 16, (short) replyLength[reply]);
            messages.set(ValueLayout.JAVA_LONG, h + MSG_CONTROL, control.address() + c);
            messages.set(ValueLayout.JAVA_LONG, h + MSG_CONTROLLEN, CMSG_SPACE);
        } else {
            messages.set(ValueLayout.JAVA_LONG, h + MSG_CONTROL, 0L);
            messages.set(ValueLayout.JAVA_LONG, h + MSG_CONTROLLEN, 0L);
        }
        messages.set(ValueLayout.JAVA_INT, h + UdpCalls.MSG_FLAGS, 0);
        messageFirst[m] = first;
        messageCount[m] = count;
    }

    /** Whether replies {@code i} and {@code j} go to the same address and port (the sockaddr's bytes). */
    private boolean sameClient(int i, int j) {
        int len = nameLength[i];
        if (len != nameLength[j]) {
            return false;
        }
        long a = nameOffset[i];
        long b = nameOffset[j];
        // sockaddr_in: family, port, address in the first 8 bytes; sockaddr_in6: 28 bytes.
        if (names.get(ValueLayout.JAVA_LONG, a) != names.get(ValueLayout.JAVA_LONG, b)) {
            return false;
        }
        if (len <= 16) {
            return true;
        }
        return names.get(ValueLayout.JAVA_LONG, a + 8) == names.get(ValueLayout.JAVA_LONG, b + 8)
                && names.get(ValueLayout.JAVA_LONG, a + 16) == names.get(ValueLayout.JAVA_LONG, b + 16)
                && names.get(ValueLayout.JAVA_INT, a + 24) == names.get(ValueLayout.JAVA_INT, b + 24);
    }
}
