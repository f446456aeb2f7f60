package io.fulcrum.l4.tcp.direct;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.l4.service.FlowTimeouts;
import io.fulcrum.l4.service.L4ListenerRuntime;
import io.fulcrum.l4.tcp.ConnectAttempts;
import io.fulcrum.l4.table.ConnectionTable;
import io.fulcrum.l4.table.FlowEntry;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One proxied TCP connection relayed by Fulcrum's own epoll relay: two sockets on one Netty
 * event loop, without channels, pipelines or promises.
 *
 * <p>Why: a Netty channel pair costs two pipelines, a dozen promises and listeners, an
 * exception with a stack trace per half-close and about twenty extra system calls per
 * connection (address look-ups, option reads, interest changes, {@code SHUT_RD}). That put the
 * L4 router at about half of HAProxy's new connections per second. This relay makes the system
 * calls a C proxy makes: accept, socket, connect, one interest registration per socket, a
 * receive and a send per chunk, a shutdown per half-close, two closes (see {@link SocketCalls}).
 *
 * <p>How it relays: each socket is registered once, edge-triggered, for input, output and the
 * peer's FIN, and the flow remembers what each edge said (readable, writable) until a call
 * finds the socket empty or full. A read lands in the loop's scratch chunk; a full chunk is
 * sent to the other socket at once, a short read (a request, an answer) when the loop has
 * handled all the sockets epoll reported that turn, so a turn's sends leave in one burst. When
 * the kernel takes only part, the flow keeps the chunk, stops reading that side and writes the
 * rest when the other socket reports room (backpressure without a queue). An end of input is
 * passed on as a shutdown of the other socket's output once what precedes it is written, while
 * the other direction goes on (half-close); when the FIN was reported together with the last
 * bytes, those bytes are held back for it so both leave in one segment. When both directions
 * ended, or a socket failed, or the table expired the entry, both close. The first backend that
 * accepts the connection gets it: a refused or timed-out connect moves to another backend,
 * which is safe because nothing was relayed yet. Everything runs on the flow's event loop.
 */
public final class DirectTcpFlow extends ConnectAttempts implements FlowEntry.Expiry {

    private static final Logger LOG = LoggerFactory.getLogger(DirectTcpFlow.class);

    /** Full chunks read from one socket per turn before other sockets get theirs. */
    private static final int READS_PER_TURN = 4;
    /** What {@link #receive} and {@link #send} return when the socket failed (the flow is closed by then). */
    private static final int FAILED = Integer.MIN_VALUE;
    /**
     * How long the handshake's last ACK to the backend waits for the client's first bytes to
     * ride on (see {@link #connected}). Longer than the client's usual lag behind its own
     * handshake on a busy machine (200 us held the ACK too briefly under load), short enough
     * that a server that speaks first does not notice.
     */
    private static final long ACK_HOLD_MICROS = 1000;
    private static final int IN = EpollIoOps.EPOLLIN.value();
    private static final int OUT = EpollIoOps.EPOLLOUT.value();
    private static final int ERR = EpollIoOps.EPOLLERR.value();
    /** The peer shut its output: its FIN is queued behind any data still unread. */
    private static final int RDHUP = EpollIoOps.EPOLLRDHUP.value();
    /** EPOLLHUP: not among Netty's constants; its value is fixed by the Linux ABI. */
    private static final int HUP = 0x010;
    /**
     * What a socket is registered for: input, the peer's FIN and room to write, edge-triggered.
     * Once set it never changes, so a connection costs one {@code epoll_ctl} per socket.
     */
    private static final EpollIoOps INTEREST = EpollIoOps.valueOf(IN | OUT | RDHUP | EpollIoOps.EPOLLET.value());
    /**
     * The client's first registration: without room to write, which a just-accepted socket has
     * (its first edge would be a wasted event); added the first time a write to it falls short.
     */
    private static final EpollIoOps INPUT_ONLY = EpollIoOps.valueOf(IN | RDHUP | EpollIoOps.EPOLLET.value());
    private static final FastThreadLocal<EndOfTurn> END_OF_TURN = new FastThreadLocal<>() {
        @Override
        protected EndOfTurn initialValue() {
            return new EndOfTurn();
        }
    };

    private final IoEventLoop loop;
    private final L4ListenerRuntime rt;
    private final ConnectionTable table;
    private final RelayBuffers buffers;
    private final SocketCalls calls;
    private final EndOfTurn endOfTurn;
    private final FlowTimeouts timeouts;
    private final FlowEntry entry;
    private final InetSocketAddress source;
    private final Side client;
    private Side backend;
    private Backend chosen;
    /** The connect timeout while connecting; then, while the backend's ACK is held, that hold's end. */
    private ScheduledFuture<?> timer;
    private boolean closed;

    private DirectTcpFlow(IoEventLoop loop, int clientFd, InetSocketAddress source, String vip,
                          L4ListenerRuntime rt, ConnectionTable table) {
        this.loop = loop;
        this.rt = rt;
        this.table = table;
        this.buffers = RelayBuffers.current();
        this.calls = SocketCalls.current();
        this.endOfTurn = END_OF_TURN.get();
        this.source = source;
        this.timeouts = rt.timeoutsFor(vip);
        this.client = new Side(clientFd);
        this.client.writable = true; // a just-accepted socket has room
        long now = System.nanoTime();
        this.entry = new FlowEntry(rt.service(), vip, rt.config().port(), "tcp", source, now, timeouts.finNanos(),
                timeouts.idleNanos(), timeouts.staleNanos(), this);
    }

    /**
     * Whether a listener's connections can take this relay: plain TCP both ways (no TLS, no
     * PROXY header in or out) and no splice asked for. Other connections use the channel relay.
     */
    public static boolean eligible(L4ListenerRuntime rt) {
        return rt.tls() == null && rt.backendTls() == null && rt.sendProxy() == null
                && !rt.config().acceptProxyProtocol() && !rt.config().splice();
    }

    /** Starts relaying a just-accepted client socket, which the flow then owns; call on {@code loop}. */
    public static void start(IoEventLoop loop, int clientFd, InetSocketAddress source, String vip,
                             L4ListenerRuntime rt, ConnectionTable table) {
        DirectTcpFlow flow = new DirectTcpFlow(loop, clientFd, source, vip, rt, table);
        table.add(loop, flow.entry);
        try {
            // The ACK of the client's first bytes then rides on the backend's answer instead of
            // leaving alone (HAProxy's tcp-smart-accept): one segment less per connection. A
            // late answer gets its ACK from the kernel's delayed-ACK timer (at most 200 ms),
            // well inside the client's retransmission timeout.
            flow.calls.delayAcks(clientFd);
        } catch (IOException | RuntimeException e) {
            LOG.debug("{} {}: cannot delay ACKs to {}: {}", rt.service(), rt.config().key(), flow, e.toString());
        }
        flow.connect();
    }

    // ---- connecting -----------------------------------------------------------------------------

    private void connect() {
        if (closed) {
            return;
        }
        Backend b = pickBackend(rt);
        if (b == null) {
            LOG.debug("{} {}: no backend can take {}", rt.service(), rt.config().key(), this);
            closeAll();
            return;
        }
        chosen = b;
        InetSocketAddress address = b.socketAddress();
        Side side;
        try {
            side = new Side(calls.tcpSocket(address.getAddress()));
            calls.delayAcks(side.fd); // see connected()
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} {}: cannot open a socket to {}: {}", rt.service(), rt.config().key(), b.address(),
                    e.toString());
            closeAll();
            return;
        }
        side.peer = client;
        client.peer = side;
        side.connecting = true;
        backend = side;
        boolean done;
        try {
            done = calls.connect(side.fd, address);
            register(side);
        } catch (IOException | RuntimeException e) {
            connectFailed(side, e);
            return;
        }
        if (done) {
            connected(side);
        } else {
            timer = loop.schedule(() -> connectTimedOut(side), timeouts.connectMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void connectTimedOut(Side side) {
        if (!closed && side == backend && side.connecting) {
            connectFailed(side, new IOException("connect timed out after " + timeouts.connectMillis() + " ms"));
        }
    }

    private void connectFailed(Side side, Exception cause) {
        cancelTimer();
        closeSide(side);
        backend = null;
        Backend b = chosen;
        boolean retry = retryAfterFailedConnect(rt, b);
        LOG.debug("{} {}: connect to {} failed: {}", rt.service(), rt.config().key(), b.address(), cause.toString());
        if (retry) {
            connect();
        } else {
            closeAll();
        }
    }

    private void connected(Side side) {
        cancelTimer();
        side.connecting = false;
        side.writable = true;
        chosen.recordSuccess();
        entry.assign(chosen, rt.counters().get(chosen));
        try {
            register(client);
        } catch (IOException | RuntimeException e) {
            LOG.debug("{} {}: cannot watch client {}: {}", rt.service(), rt.config().key(), this, e.toString());
            closeAll();
            return;
        }
        // A client that speaks first has usually sent its first bytes by now: read them at once
        // rather than after another wait (an empty socket costs one call). Sent now, they carry
        // the handshake's last ACK, which the backend socket held back (delayAcks), so the
        // backend accepts the connection and reads them in one wake-up.
        client.readable = true;
        side.ackHeld = true; // so the bytes leave at once and the ACK is released behind them (readFrom)
        pump(client);
        if (closed || !side.ackHeld) {
            return; // the client's first bytes went out with the ACK
        }
        if (entry.bytesIn() == 0 && !client.inputDone) {
            // Nothing from the client yet: it was accepted on its handshake's ACK and its first
            // bytes are usually a moment behind (on loopback the backend's connect is quicker).
            // Keep holding the backend's ACK for them, so that they still carry it and the
            // backend is woken once, for the connection and its request together, instead of
            // once for each (new connections per second +6-9% against HAProxy,
            // docs/benchmarks.md). A server that speaks first waits at most ACK_HOLD_MICROS
            // for its connection to be accepted.
            timer = loop.schedule(this::releaseHeldAck, ACK_HOLD_MICROS, TimeUnit.MICROSECONDS);
            return;
        }
        releaseHeldAck(); // the client ended its input without sending anything
    }

    /** The client sent nothing within {@link #ACK_HOLD_MICROS}, or its first bytes were just sent: the backend gets its ACK. */
    private void releaseHeldAck() {
        Side side = backend;
        if (closed || side == null || !side.ackHeld) {
            return;
        }
        side.ackHeld = false;
        cancelTimer();
        ackNow(side);
    }

    /**
     * Acknowledges as usual from here on. With nothing sent this sends the held-back ACK, so
     * the backend does not wait for its connection; otherwise it only ends the delaying, so the
     * backend's answer is acknowledged at once rather than late enough for the backend to send
     * it again.
     */
    private void ackNow(Side side) {
        try {
            calls.ackNow(side.fd);
        } catch (IOException | RuntimeException e) {
            failed(side, e);
        }
    }

    private void cancelTimer() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            timer = null;
            t.cancel(false);
        }
    }

    private void register(Side side) throws IOException {
        // On the loop's own thread the registration completes at once (no task, no wait).
        var f = loop.register(side);
        if (!f.isSuccess()) {
            throw new IOException("cannot register with the event loop", f.cause());
        }
        side.registration = f.getNow();
        side.watchingOutput = side != client;
        side.registration.submit(side.watchingOutput ? INTEREST : INPUT_ONLY);
    }

    // ---- relaying -----------------------------------------------------------------------------

    /** A readiness edge on one of the two sockets. */
    private void onEvent(Side side, int ready) {
        if (closed || (side != client && side != backend)) {
            return; // a failed connect attempt's late report
        }
        if (side.connecting) {
            if ((ready & (ERR | HUP)) != 0) {
                IOException e = calls.connectError(side.fd);
                connectFailed(side, e != null ? e : new IOException("connect failed"));
                return;
            }
            if ((ready & OUT) == 0) {
                return;
            }
            connected(side);
            if (closed) {
                return;
            }
            // Edge-triggered: input reported with the connect (a server that speaks first) is not reported again.
        }
        entry.lastNanos = System.nanoTime();
        if ((ready & (IN | RDHUP | HUP | ERR)) != 0) {
            side.readable = true; // a read finds the data, the end or the error
        }
        if ((ready & RDHUP) != 0) {
            side.finQueued = true;
        }
        if ((ready & (OUT | ERR | HUP)) != 0) {
            side.writable = true;
        }
        if (side.pending != null && side.writable) {
            flushPending(side);
            if (closed) {
                return;
            }
        }
        pump(side);
        if ((ready & ERR) != 0 && !closed) {
            // A reset or another socket error, reported once: what could be read was read.
            failed(side, null);
        }
    }

    /** Reads what {@code from} has while its peer can take it; comes back later if the turn ran out. */
    private void pump(Side from) {
        Side to = from.peer;
        if (from.resumeQueued || !from.readable || from.inputDone || to == null || to.pending != null
                || to.connecting) {
            return;
        }
        if (readFrom(from) && !closed) {
            // Still readable after a full turn: let the other sockets of the loop go first.
            from.resumeQueued = true;
            loop.execute(() -> {
                from.resumeQueued = false;
                if (!closed) {
                    pump(from);
                }
            });
        }
    }

    /**
     * Moves bytes from {@code from} to its peer until the socket is empty, the peer is full, or
     * the turn is spent.
     *
     * @return whether the turn was spent with the socket perhaps still holding data
     */
    private boolean readFrom(Side from) {
        Side to = from.peer;
        for (int turn = 0; turn < READS_PER_TURN; turn++) {
            RelayBuffers.Chunk chunk = buffers.scratch();
            int n = receive(from, chunk.address, RelayBuffers.CHUNK_SIZE);
            if (n == FAILED) {
                return false;
            }
            if (n == SocketCalls.AGAIN) {
                from.readable = false;
                return false;
            }
            if (n == SocketCalls.EOF) {
                from.readable = false;
                inputEnded(from);
                return false;
            }
            boolean last = false;
            if (n < RelayBuffers.CHUNK_SIZE) {
                // A short read emptied the socket. If its FIN was reported, take the end now so
                // that the last bytes and the FIN leave together.
                from.readable = false;
                if (from.finQueued) {
                    int m = receive(from, chunk.address + n, RelayBuffers.CHUNK_SIZE - n);
                    if (m == FAILED) {
                        return false;
                    }
                    if (m == SocketCalls.EOF) {
                        last = true;
                    } else if (m > 0) {
                        n += m;
                        from.readable = true;
                    }
                }
            }
            if (from == client) {
                entry.received(n);
            } else {
                entry.sent(n);
            }
            // The client's first bytes, while the backend's ACK is held for them, leave at once:
            // the ACK is released right behind them.
            if (n < RelayBuffers.CHUNK_SIZE && !last && !to.ackHeld && to.writable) {
                sendAtEndOfTurn(to, n);
                return false; // reading resumes once those bytes are written
            }
            int written = to.writable ? send(to, chunk.address, n, last) : SocketCalls.AGAIN;
            if (written == FAILED) {
                return false;
            }
            if (written < n) {
                keepUnsent(to, buffers.detachScratch(), written, n);
            }
            if (to.ackHeld) {
                releaseHeldAck(); // the bytes just sent carried it
                if (closed) {
                    return false;
                }
            }
            if (last) {
                inputEnded(from); // shuts the peer's output now, or once the rest is written
                return false;
            }
            if (to.pending != null || !from.readable) {
                return false; // reading resumes once the peer has taken the rest, or on the next edge
            }
        }
        return true;
    }

    /**
     * Leaves the {@code n} bytes just read (in the scratch chunk) for {@code to}, to be written
     * when the loop has handled every socket epoll reported this turn.
     *
     * <p>Why: the sends of a turn then leave in one burst, so the processes behind them (the
     * clients, the backends) find several answers when they wake and wake less often; on two
     * CPUs that left them more time for their own work (1-3% more keep-alive requests and 2%
     * more new connections per second, docs/benchmarks.md). io_uring gets the same from
     * submitting a turn's sends together. Only short reads wait: a full chunk means a bulk
     * transfer, which is written at once.
     */
    private void sendAtEndOfTurn(Side to, int n) {
        to.pending = buffers.detachScratch();
        to.pendingPos = 0;
        to.pendingLimit = n;
        endOfTurn.add(loop, to);
    }

    /** A receive from {@code from}: the bytes, {@link SocketCalls#AGAIN}, {@link SocketCalls#EOF}, or {@link #FAILED} once the flow is closed. */
    private int receive(Side from, long address, int length) {
        int n = calls.recv(from.fd, address, length);
        if (SocketCalls.isFailure(n)) {
            failed(from, SocketCalls.failure("recv", n));
            return FAILED;
        }
        return n;
    }

    /**
     * A send to {@code to}: the bytes the kernel took ({@link SocketCalls#AGAIN} when it is full),
     * or {@link #FAILED} once the flow is closed.
     *
     * @param more the FIN follows at once: hold the bytes back for it ({@code MSG_MORE})
     */
    private int send(Side to, long address, int length, boolean more) {
        int n = calls.send(to.fd, address, length, more);
        if (SocketCalls.isFailure(n)) {
            failed(to, SocketCalls.failure("send", n));
            return FAILED;
        }
        return n;
    }

    /** The kernel took {@code written} of the {@code limit} bytes in {@code chunk}: {@code to} keeps the rest and waits for room. */
    private void keepUnsent(Side to, RelayBuffers.Chunk chunk, int written, int limit) {
        blocked(to);
        to.pending = chunk;
        to.pendingPos = written;
        to.pendingLimit = limit;
    }

    /** Writes what waits for {@code to}; once all is written, reads on or passes on a FIN that waited for it. */
    private void flushPending(Side to) {
        // When the FIN follows these bytes, both leave together.
        int written = send(to, to.pending.address + to.pendingPos, to.pendingLimit - to.pendingPos,
                to.peer.inputDone);
        if (written == FAILED) {
            return;
        }
        to.pendingPos += written;
        if (to.pendingPos < to.pendingLimit) {
            blocked(to);
            return;
        }
        buffers.give(to.pending);
        to.pending = null;
        if (to.peer.inputDone) {
            endOutput(to);
        } else {
            pump(to.peer); // its data waited for room here
        }
    }

    /** A write fell short: wait for room, and make sure epoll reports it. */
    private void blocked(Side to) {
        to.writable = false;
        if (!to.watchingOutput && to.registration != null) {
            to.watchingOutput = true;
            to.registration.submit(INTEREST); // reports room at once if there is some again
        }
    }

    private void inputEnded(Side from) {
        from.inputDone = true;
        entry.fin();
        if (from.peer.pending == null) {
            endOutput(from.peer);
        }
        // Otherwise the FIN is passed on once the peer has taken what precedes it.
    }

    /** Everything {@code to} will get from its peer has been written: shut its output, or close when all is done. */
    private void endOutput(Side to) {
        if (to.inputDone && client.pending == null && backend.pending == null) {
            closeAll(); // both directions ended and nothing waits: close sends the last FIN
            return;
        }
        if (to.outputDone) {
            return;
        }
        to.outputDone = true;
        try {
            calls.shutdownOutput(to.fd);
        } catch (IOException | RuntimeException e) {
            failed(to, e);
        }
    }

    /** A socket failed (reset, refused write): both sides close; the survivor first gets what waits for it. */
    private void failed(Side side, Exception cause) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {}: {} of {} failed: {}", rt.service(), rt.config().key(),
                    side == client ? "client" : "backend", this, cause == null ? "socket error" : cause.toString());
        }
        Side other = side.peer;
        if (other != null && other.pending != null && !other.outputDone) {
            // Best effort: it is closing anyway, so a failure here changes nothing.
            calls.send(other.fd, other.pending.address + other.pendingPos, other.pendingLimit - other.pendingPos,
                    false);
        }
        closeAll();
    }

    // ---- closing ------------------------------------------------------------------------------

    @Override
    public void expire(FlowEntry e, String reason) {
        LOG.debug("{} {}: {} closed by {}", rt.service(), rt.config().key(), this, reason);
        closeAll();
    }

    private void closeAll() {
        if (closed) {
            return;
        }
        closed = true;
        cancelTimer();
        closeSide(client);
        if (backend != null) {
            closeSide(backend);
        }
        // Chunks still held are dropped, not reused: nothing else may write into them later.
        client.pending = null;
        if (backend != null) {
            backend.pending = null;
        }
        table.remove(loop, entry);
    }

    private static void closeSide(Side side) {
        if (side.closed) {
            return;
        }
        side.closed = true;
        try {
            side.descriptor.close(); // through Netty's handle, which then knows it is closed
        } catch (IOException e) {
            // already closed
        }
        IoRegistration r = side.registration;
        if (r != null) {
            side.registration = null;
            r.cancel(); // the descriptor is closed first, so this only forgets it (no EPOLL_CTL_DEL)
        }
    }

    @Override
    protected InetSocketAddress clientSource() {
        return source;
    }

    @Override
    public String toString() {
        return source.getAddress().getHostAddress() + ":" + source.getPort() + " -> " + rt.service();
    }

    /** The sockets of one event loop with bytes to write at the end of its turn (see {@link #sendAtEndOfTurn}). */
    private static final class EndOfTurn implements Runnable {

        private final ArrayDeque<Side> sides = new ArrayDeque<>();

        void add(IoEventLoop loop, Side side) {
            if (sides.isEmpty()) {
                loop.execute(this); // from the loop itself: runs once this turn's events are handled
            }
            sides.add(side);
        }

        @Override
        public void run() {
            Side side;
            // Writing may read on and leave more bytes for this turn: they are written here too.
            while ((side = sides.poll()) != null) {
                try {
                    side.sendLeftBytes();
                } catch (RuntimeException e) {
                    LOG.warn("relay failed at the end of a turn: {}", e.toString());
                    side.close(); // that flow only: the others in the queue still get their bytes
                }
            }
        }
    }

    /** One of the flow's two sockets, as epoll reported it, with the bytes waiting to be written to it. */
    private final class Side implements EpollIoHandle {
        final int fd;
        /** Netty's handle on the descriptor, for the registration only (all calls go through {@link SocketCalls}). */
        final FileDescriptor descriptor;
        Side peer;
        IoRegistration registration;
        boolean connecting;
        /** The backend's handshake ACK is still held back for the client's first bytes. */
        boolean ackHeld;
        /** An input edge was reported and no read has found the socket empty since. */
        boolean readable;
        /** The socket had room when last written or reported. */
        boolean writable;
        /** Registered for room-to-write edges (the client only after its first short write). */
        boolean watchingOutput;
        /** The peer's FIN was reported: the end of input follows the data still unread. */
        boolean finQueued;
        /** A task will go on reading this socket (its turn ran out). */
        boolean resumeQueued;
        /** End of input read. */
        boolean inputDone;
        /** Output shut down (FIN sent). */
        boolean outputDone;
        boolean closed;
        /** Bytes read from the peer that this socket has not taken yet. */
        RelayBuffers.Chunk pending;
        int pendingPos;
        int pendingLimit;

        Side(int fd) {
            this.fd = fd;
            this.descriptor = new FileDescriptor(fd);
        }

        @Override
        public FileDescriptor fd() {
            return descriptor;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent ioEvent) {
            onEvent(this, ((EpollIoEvent) ioEvent).ops().value());
        }

        /** Writes the bytes left for the end of the turn, unless the flow closed or an event wrote them first. */
        void sendLeftBytes() {
            if (!closed && pending != null && writable) {
                flushPending(this);
            }
        }

        @Override
        public void close() {
            closeAll(); // the event loop is shutting down
        }
    }
}
