package io.fulcrum.dns.server;

import io.fulcrum.dns.DnsEngine;
import io.fulcrum.nativeio.Libc;
import io.fulcrum.nativeio.ReservedCpus;
import io.fulcrum.nativeio.SocketAddresses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * One UDP socket of the DNS server with a thread of its own that reads datagrams in batches
 * ({@code recvmmsg}, blocking for the first, then taking what is queued, up to
 * {@link DnsServer#DATAGRAMS_PER_READ}), answers each straight into a slot of the send batch
 * and sends the batch with one {@code sendmmsg}. A reply goes to the address its query came
 * from, read from the receive batch in place.
 *
 * <p>Everything a batch needs is native memory allocated once per socket: the receive and send
 * {@code mmsghdr} and {@code iovec} arrays, the peers' addresses, one query slot of
 * {@link DnsServer#MAX_QUERY} + 1 bytes per datagram (a longer one is cut there, and gets
 * FORMERR as on Netty's path) and one reply slot of {@link QueryProcessor#MAX_UDP_REPLY} bytes.
 * The query and reply slots are seen through {@link ByteBuf} views made once, so the parser and
 * the reply writer run unchanged; no object is made per datagram.
 *
 * <p>Why not a Netty event loop: Netty's datagram channel makes a {@code DatagramPacket}, an
 * address object and a pooled buffer per datagram, and adds an {@code epoll_wait} and a
 * {@code getsockopt} per batch. The TCP side stays on Netty.
 */
final class BatchUdpSocket implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchUdpSocket.class);

    /** Socket buffer sizes asked for (the kernel caps them at its rmem_max / wmem_max). */
    static final int SOCKET_BUFFER = 4 << 20;
    /** How long a blocked read waits before it looks whether the socket was closed. */
    private static final int RECEIVE_TIMEOUT_MILLIS = 500;
    /** A peer address's slot: a {@code sockaddr_in6} rounded up. */
    private static final int NAME_STRIDE = 32;
    private static final int QUERY_SLOT = DnsServer.MAX_QUERY + 1;
    private static final ValueLayout.OfInt ADDRESS_V4 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final int slots = DnsServer.DATAGRAMS_PER_READ;
    private final Arena arena = Arena.ofShared();
    private final UdpCalls calls = new UdpCalls(arena);
    private final int fd;
    private final InetSocketAddress localAddress;
    private final QueryProcessor processor;
    private final DnsEngine engine;
    private final MemorySegment receiveHeaders;
    private final MemorySegment sendHeaders;
    private final MemorySegment sendIov;
    private final MemorySegment names;
    private final ByteBuf[] queries = new ByteBuf[slots];
    private final ByteBuf[] replies = new ByteBuf[slots];
    /** The client's IPv6 address, copied out of its sockaddr for the geo look-up. */
    private final byte[] clientV6 = new byte[16];
    private final Thread thread;
    private volatile boolean closed;

    private BatchUdpSocket(DnsEngine engine, InetSocketAddress address, String threadName) throws IOException {
        this.engine = engine;
        this.processor = new QueryProcessor(engine);
        receiveHeaders = arena.allocate((long) slots * UdpCalls.MMSGHDR_SIZE, 8);
        sendHeaders = arena.allocate((long) slots * UdpCalls.MMSGHDR_SIZE, 8);
        MemorySegment receiveIov = arena.allocate((long) slots * UdpCalls.IOVEC_SIZE, 8);
        sendIov = arena.allocate((long) slots * UdpCalls.IOVEC_SIZE, 8);
        names = arena.allocate((long) slots * NAME_STRIDE, 8);
        MemorySegment queryMemory = arena.allocate((long) slots * QUERY_SLOT, 64);
        MemorySegment replyMemory = arena.allocate((long) slots * QueryProcessor.MAX_UDP_REPLY, 64);
        for (int i = 0; i < slots; i++) {
            MemorySegment query = queryMemory.asSlice((long) i * QUERY_SLOT, QUERY_SLOT);
            MemorySegment reply = replyMemory.asSlice((long) i * QueryProcessor.MAX_UDP_REPLY,
                    QueryProcessor.MAX_UDP_REPLY);
            queries[i] = Unpooled.wrappedBuffer(query.asByteBuffer());
            replies[i] = Unpooled.wrappedBuffer(reply.asByteBuffer());
            long rx = (long) i * UdpCalls.MMSGHDR_SIZE;
            long iov = (long) i * UdpCalls.IOVEC_SIZE;
            receiveIov.set(ValueLayout.JAVA_LONG, iov, query.address());
            receiveIov.set(ValueLayout.JAVA_LONG, iov + 8, QUERY_SLOT);
            receiveHeaders.set(ValueLayout.JAVA_LONG, rx + UdpCalls.MSG_NAME, names.address() + (long) i * NAME_STRIDE);
            receiveHeaders.set(ValueLayout.JAVA_INT, rx + UdpCalls.MSG_NAMELEN, UdpCalls.SOCKADDR_SIZE);
            receiveHeaders.set(ValueLayout.JAVA_LONG, rx + UdpCalls.MSG_IOV, receiveIov.address() + iov);
            receiveHeaders.set(ValueLayout.JAVA_LONG, rx + UdpCalls.MSG_IOVLEN, 1);
            // Send slot i always carries reply slot i; its length and peer are set per batch.
            sendIov.set(ValueLayout.JAVA_LONG, iov, reply.address());
            sendHeaders.set(ValueLayout.JAVA_LONG, rx + UdpCalls.MSG_IOV, sendIov.address() + iov);
            sendHeaders.set(ValueLayout.JAVA_LONG, rx + UdpCalls.MSG_IOVLEN, 1);
        }
        try {
            fd = UdpCalls.openBound(address, SOCKET_BUFFER, RECEIVE_TIMEOUT_MILLIS);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
        InetSocketAddress local;
        try {
            local = SocketAddresses.local(fd);
        } catch (IOException | RuntimeException e) {
            Libc.close(fd);
            arena.close();
            throw e;
        }
        localAddress = local;
        thread = new Thread(this::serve, threadName + "-" + local.getPort());
        thread.setDaemon(true);
    }

    /** Binds a socket to {@code address} (SO_REUSEPORT) and starts its thread. */
    static BatchUdpSocket open(DnsEngine engine, InetSocketAddress address, String threadName) throws IOException {
        BatchUdpSocket s = new BatchUdpSocket(engine, address, threadName);
        s.thread.start();
        return s;
    }

    /** Whether this platform can run it (see {@link UdpCalls#available()}). */
    static boolean available() {
        return UdpCalls.available();
    }

    InetSocketAddress localAddress() {
        return localAddress;
    }

    private void serve() {
        ReservedCpus.keepCallingThreadApart(); // busy as an event loop: off the packet path's CPU too
        try {
            while (!closed) {
                int n = calls.recvmmsg(fd, receiveHeaders.address(), slots, UdpCalls.MSG_WAITFORONE);
                if (closed) {
                    break;
                }
                if (n <= 0) {
                    if (n < 0 && n != -UdpCalls.EAGAIN && n != -UdpCalls.EINTR) {
                        LOG.debug("dns udp {}: recvmmsg: {}", localAddress, Libc.strerror(-n));
                    }
                    continue;
                }
                engine.stats().batch(n);
                send(answerAll(n));
            }
        } catch (Throwable t) {
            if (!closed) {
                LOG.error("dns udp {}: the receive thread stopped", localAddress, t);
            }
        }
    }

    /** Answers the {@code n} datagrams read; returns how many replies the send batch holds. */
    private int answerAll(int n) {
        int out = 0;
        for (int i = 0; i < n; i++) {
            long rx = (long) i * UdpCalls.MMSGHDR_SIZE;
            int length = receiveHeaders.get(ValueLayout.JAVA_INT, rx + UdpCalls.MSG_LEN);
            int nameLength = receiveHeaders.get(ValueLayout.JAVA_INT, rx + UdpCalls.MSG_NAMELEN);
            // The kernel wrote the peer's address length; the next read needs the room again.
            receiveHeaders.set(ValueLayout.JAVA_INT, rx + UdpCalls.MSG_NAMELEN, UdpCalls.SOCKADDR_SIZE);
            long name = (long) i * NAME_STRIDE;
            int v4 = 0;
            byte[] v6 = null;
            if (names.get(ValueLayout.JAVA_SHORT, name) == UdpCalls.AF_INET) {
                v4 = names.get(ADDRESS_V4, name + 4);
            } else if (isV4Mapped(name)) {
                v4 = names.get(ADDRESS_V4, name + 20);
            } else {
                MemorySegment.copy(names, ValueLayout.JAVA_BYTE, name + 8, clientV6, 0, 16);
                v6 = clientV6;
            }
            ByteBuf reply = replies[out].clear();
            boolean answered;
            try {
                answered = processor.answerUdp(queries[i].setIndex(0, length), v4, v6, reply);
            } catch (RuntimeException e) {
                LOG.debug("dns udp {}: a query failed: {}", localAddress, e.toString());
                answered = false;
            }
            if (answered) {
                long tx = (long) out * UdpCalls.MMSGHDR_SIZE;
                sendHeaders.set(ValueLayout.JAVA_LONG, tx + UdpCalls.MSG_NAME, names.address() + name);
                sendHeaders.set(ValueLayout.JAVA_INT, tx + UdpCalls.MSG_NAMELEN, nameLength);
                sendIov.set(ValueLayout.JAVA_LONG, (long) out * UdpCalls.IOVEC_SIZE + 8, reply.readableBytes());
                out++;
            }
        }
        return out;
    }

    /** An IPv4 client of a dual-stack socket ({@code ::ffff:a.b.c.d}): located as IPv4, as Netty reports it. */
    private boolean isV4Mapped(long name) {
        return names.get(ValueLayout.JAVA_LONG_UNALIGNED, name + 8) == 0
                && names.get(ValueLayout.JAVA_INT_UNALIGNED, name + 16) == 0xFFFF0000;
    }

    /**
     * Sends the first {@code n} send slots, going on after a partial send; a datagram the kernel
     * refuses (it names an address it cannot reach) is skipped, as a lost datagram would be.
     */
    private void send(int n) {
        int sent = 0;
        while (sent < n && !closed) {
            int r = calls.sendmmsg(fd, sendHeaders.address() + (long) sent * UdpCalls.MMSGHDR_SIZE, n - sent);
            if (r > 0) {
                sent += r;
            } else if (r != -UdpCalls.EINTR) {
                if (r != -UdpCalls.EAGAIN) {
                    LOG.debug("dns udp {}: sendmmsg: {}", localAddress, Libc.strerror(-r));
                    sent++;
                }
            }
        }
    }

    /** Whether the thread serving this socket is running. */
    boolean serving() {
        return thread.isAlive();
    }

    /**
     * Stops the thread (the shutdown wakes a blocked read), then closes the socket and frees the
     * memory: in that order, so the thread never touches freed memory or a reused descriptor.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Libc.shutdown(fd, Libc.SHUT_RDWR);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Libc.close(fd);
        if (thread.isAlive()) {
            // Never free memory a running call may still write; it goes with the process.
            LOG.warn("dns udp {}: the receive thread did not stop; its buffers stay allocated", localAddress);
            return;
        }
        for (int i = 0; i < slots; i++) {
            queries[i].release();
            replies[i].release();
        }
        arena.close();
    }
}
