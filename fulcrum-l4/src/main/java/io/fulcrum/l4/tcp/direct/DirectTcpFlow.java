package io.fulcrum.l4.tcp.direct;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.balance.PickContext;
import io.fulcrum.l4.service.FlowTimeouts;
import io.fulcrum.l4.service.L4ListenerRuntime;
import io.fulcrum.l4.table.ConnectionTable;
import io.fulcrum.l4.table.FlowEntry;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One proxied TCP connection relayed by Fulcrum's own epoll relay: two sockets on one Netty
 * event loop, without channels, pipelines or promises.
 *
 * <p>Why: a Netty channel pair costs two pipelines, a dozen promises and listeners, an
 * exception with a stack trace per half-close and about twenty extra system calls per
 * connection (address look-ups, option reads, interest changes, {@code SHUT_RD}). That put the
 * L4 router at about half of HAProxy's new connections per second. This relay makes the system
 * calls a C proxy makes: accept, socket, connect, three interest changes, a receive and a send
 * per chunk, a shutdown per half-close, two closes.
 *
 * <p>How it relays: each socket is watched level-triggered for what it can do next. A read
 * lands in the loop's scratch chunk and is sent to the other socket at once; when the kernel
 * takes only part of it, the flow keeps the chunk, stops reading that side and waits until the
 * other socket is writable (backpressure without a queue). An end of input is passed on as a
 * shutdown of the other socket's output once what precedes it is written, while the other
 * direction goes on (half-close); when both directions ended, or a socket failed, or the table
 * expired the entry, both close. The first backend that accepts the connection gets it: a
 * refused or timed-out connect moves to another backend, which is safe because nothing was
 * relayed yet. Everything runs on the flow's event loop.
 */
public final class DirectTcpFlow implements PickContext, FlowEntry.Expiry {

    private static final Logger LOG = LoggerFactory.getLogger(DirectTcpFlow.class);

    /** Reads per readiness event before other sockets get their turn (level-triggered). */
    private static final int READS_PER_EVENT = 4;
    private static final int IN = EpollIoOps.EPOLLIN.value();
    private static final int OUT = EpollIoOps.EPOLLOUT.value();
    private static final int ET = EpollIoOps.EPOLLET.value();
    private static final int ERR = EpollIoOps.EPOLLERR.value();
    /** EPOLLHUP: not among Netty's constants; its value is fixed by the Linux ABI. */
    private static final int HUP = 0x010;
    /** The interest sets this relay uses, by bit mask (IN, OUT, ET), made once. */
    private static final EpollIoOps[] OPS = new EpollIoOps[8];

    static {
        for (int i = 0; i < OPS.length; i++) {
            int v = ((i & 1) != 0 ? IN : 0) | ((i & 2) != 0 ? OUT : 0) | ((i & 4) != 0 ? ET : 0);
            // An empty set would take the socket out of epoll: edge-triggered alone keeps it in
            // without asking for an event (errors and hang-ups are then reported once).
            OPS[i] = EpollIoOps.valueOf(v == 0 ? ET : v);
        }
    }

    private final IoEventLoop loop;
    private final L4ListenerRuntime rt;
    private final ConnectionTable table;
    private final RelayBuffers buffers;
    private final FlowTimeouts timeouts;
    private final FlowEntry entry;
    private final InetSocketAddress source;
    private final Side client;
    private Side backend;
    private Backend chosen;
    private byte[] clientAddress;
    private long pickNanos;
    private int attemptsLeft;
    private List<Backend> tried;
    private ScheduledFuture<?> connectTimer;
    private boolean relaying;
    private boolean closed;

    private DirectTcpFlow(IoEventLoop loop, Socket clientSocket, InetSocketAddress source, String vip,
                          L4ListenerRuntime rt, ConnectionTable table) {
        this.loop = loop;
        this.rt = rt;
        this.table = table;
        this.buffers = RelayBuffers.current();
        this.source = source;
        this.timeouts = rt.timeoutsFor(vip);
        this.client = new Side(clientSocket);
        this.attemptsLeft = 1 + Math.max(0, rt.retries());
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

    /** Starts relaying a just-accepted client socket; call on {@code loop}. */
    public static void start(IoEventLoop loop, Socket clientSocket, InetSocketAddress source, String vip,
                             L4ListenerRuntime rt, ConnectionTable table) {
        DirectTcpFlow flow = new DirectTcpFlow(loop, clientSocket, source, vip, rt, table);
        table.add(loop, flow.entry);
        flow.connect();
    }

    // ---- connecting -----------------------------------------------------------------------------

    private void connect() {
        if (closed) {
            return;
        }
        pickNanos = System.nanoTime();
        Backend b = pick();
        if (b == null) {
            LOG.debug("{} {}: no backend can take {}", rt.service(), rt.config().key(), this);
            closeAll();
            return;
        }
        attemptsLeft--;
        chosen = b;
        InetSocketAddress address = b.socketAddress();
        Side side;
        try {
            Socket s = LinuxSocket.newSocketStream(address.getAddress() instanceof Inet6Address
                    ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET);
            side = new Side(s);
            s.setTcpNoDelay(true);
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
            register(side);
            done = side.socket.connect(address);
        } catch (IOException | RuntimeException e) {
            connectFailed(side, e);
            return;
        }
        if (done) {
            connected(side);
        } else {
            updateInterest(side);
            connectTimer = loop.schedule(() -> connectTimedOut(side), timeouts.connectMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The balancer's choice, skipping backends this flow already failed on. */
    private Backend pick() {
        for (int i = 0; i <= rt.backends().size(); i++) {
            Backend b = rt.balancer().pick(this);
            if (b == null) {
                return null;
            }
            if (tried == null || !tried.contains(b)) {
                return b;
            }
        }
        return null;
    }

    private void finishConnect(Side side) {
        try {
            if (!side.socket.finishConnect()) {
                return;
            }
        } catch (IOException | RuntimeException e) {
            connectFailed(side, e);
            return;
        }
        connected(side);
    }

    private void connectTimedOut(Side side) {
        if (!closed && side == backend && side.connecting) {
            connectFailed(side, new IOException("connect timed out after " + timeouts.connectMillis() + " ms"));
        }
    }

    private void connectFailed(Side side, Exception cause) {
        cancelConnectTimer();
        closeSide(side);
        backend = null;
        Backend b = chosen;
        var ph = rt.pool().passiveHealth();
        // The pool's outlier ejection applies to L4 too: a dead backend stops being picked first.
        b.recordFailure(System.nanoTime(), ph.enabled() ? ph.consecutiveFailures() : 0,
                ph.ejectTime().toNanos(), ph.maxEjectTime().toNanos());
        LOG.debug("{} {}: connect to {} failed: {}", rt.service(), rt.config().key(), b.address(), cause.toString());
        if (tried == null) {
            tried = new ArrayList<>(2);
        }
        tried.add(b);
        if (attemptsLeft > 0) {
            connect();
        } else {
            closeAll();
        }
    }

    private void connected(Side side) {
        cancelConnectTimer();
        side.connecting = false;
        chosen.recordSuccess();
        entry.assign(chosen, rt.counters().get(chosen));
        relaying = true;
        try {
            register(client);
        } catch (IOException | RuntimeException e) {
            LOG.debug("{} {}: cannot watch client {}: {}", rt.service(), rt.config().key(), this, e.toString());
            closeAll();
            return;
        }
        // The client usually sent its first bytes while the backend was being connected: read
        // them now rather than after another wait.
        readFrom(client);
        if (!closed) {
            updateInterest(client);
            updateInterest(side);
        }
    }

    private void cancelConnectTimer() {
        ScheduledFuture<?> t = connectTimer;
        if (t != null) {
            connectTimer = null;
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
    }

    // ---- relaying -----------------------------------------------------------------------------

    /** A readiness event on one of the two sockets. */
    private void onEvent(Side side, int ready) {
        if (closed || (side != client && side != backend)) {
            return; // a failed connect attempt's late report
        }
        if (side.connecting) {
            if ((ready & (OUT | ERR | HUP)) != 0) {
                finishConnect(side);
            }
            return;
        }
        entry.lastNanos = System.nanoTime();
        if ((ready & (OUT | ERR | HUP)) != 0 && side.pending != null) {
            flushPending(side);
            if (closed) {
                return;
            }
        }
        if ((ready & (IN | ERR | HUP)) != 0) {
            if (!side.inputDone && side.peer.pending == null) {
                readFrom(side);
                if (closed) {
                    return;
                }
            } else if ((ready & ERR) != 0 || ((ready & HUP) != 0 && side.inputDone && side.pending == null)) {
                failed(side, null); // a reset, or a hang-up with nothing left to do on this socket
                return;
            } else if ((ready & HUP) != 0 && !side.edge) {
                // Hung up while this side may not be read (the other socket is full): take the
                // report once, edge-triggered, and read when the other side drains.
                side.edge = true;
            }
        }
        updateInterest(client);
        updateInterest(backend);
    }

    /** Moves bytes from {@code from} to its peer until the socket is empty, the peer is full, or the budget is spent. */
    private void readFrom(Side from) {
        Side to = from.peer;
        int budget = from.edge ? Integer.MAX_VALUE : READS_PER_EVENT;
        while (budget-- > 0) {
            RelayBuffers.Chunk chunk = buffers.scratch();
            int n;
            try {
                n = from.socket.recvAddress(chunk.address, 0, RelayBuffers.CHUNK_SIZE);
            } catch (IOException | RuntimeException e) {
                failed(from, e);
                return;
            }
            if (n == 0) {
                return; // nothing more for now
            }
            if (n < 0) {
                inputEnded(from);
                return;
            }
            if (from == client) {
                entry.bytesIn += n;
            } else {
                entry.bytesOut += n;
            }
            int written;
            try {
                written = to.socket.sendAddress(chunk.address, 0, n);
            } catch (IOException | RuntimeException e) {
                failed(to, e);
                return;
            }
            if (written < n) {
                to.pending = buffers.detachScratch();
                to.pendingPos = written;
                to.pendingLimit = n;
                return; // reading resumes once the peer has taken the rest
            }
            if (n < RelayBuffers.CHUNK_SIZE && !from.edge) {
                return; // a short read: the socket is very likely empty
            }
        }
    }

    /** Writes what waits for {@code to}; once all is written, passes on a FIN that waited for it. */
    private void flushPending(Side to) {
        int written;
        try {
            written = to.socket.sendAddress(to.pending.address, to.pendingPos, to.pendingLimit);
        } catch (IOException | RuntimeException e) {
            failed(to, e);
            return;
        }
        to.pendingPos += written;
        if (to.pendingPos < to.pendingLimit) {
            return;
        }
        buffers.give(to.pending);
        to.pending = null;
        if (to.peer.inputDone) {
            endOutput(to);
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
            to.socket.shutdown(false, true);
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
            try {
                other.socket.sendAddress(other.pending.address, other.pendingPos, other.pendingLimit);
            } catch (IOException | RuntimeException ignored) {
                // it is closing anyway
            }
        }
        closeAll();
    }

    /** Asks epoll for what each socket can usefully report next; a system call only on change. */
    private void updateInterest(Side side) {
        if (side == null || closed || side.registration == null) {
            return;
        }
        int mask = 0;
        if (side.connecting || side.pending != null) {
            mask |= 2;
        }
        if (relaying && !side.inputDone && side.peer.pending == null) {
            mask |= 1;
        }
        if (side.edge) {
            mask |= 4;
        }
        if (mask != side.mask) {
            side.mask = mask;
            side.registration.submit(OPS[mask]);
        }
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
        cancelConnectTimer();
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
        try {
            side.socket.close();
        } catch (IOException e) {
            // already closed
        }
        IoRegistration r = side.registration;
        if (r != null) {
            side.registration = null;
            r.cancel(); // the descriptor is closed first, so this only forgets it (no EPOLL_CTL_DEL)
        }
    }

    // ---- PickContext --------------------------------------------------------------------------

    @Override
    public byte[] clientAddress() {
        byte[] a = clientAddress;
        if (a == null) {
            a = source.getAddress().getAddress();
            clientAddress = a;
        }
        return a;
    }

    @Override
    public String header(String name) {
        return null;
    }

    @Override
    public String cookie(String name) {
        return null;
    }

    @Override
    public long nowNanos() {
        return pickNanos;
    }

    @Override
    public String toString() {
        return source.getAddress().getHostAddress() + ":" + source.getPort() + " -> " + rt.service();
    }

    /** One of the flow's two sockets, as epoll sees it, with the bytes waiting to be written to it. */
    private final class Side implements EpollIoHandle {
        final Socket socket;
        Side peer;
        IoRegistration registration;
        /** The interest mask last submitted (bits: 1 IN, 2 OUT, 4 ET); -1 before the first. */
        int mask = -1;
        boolean connecting;
        /** End of input read. */
        boolean inputDone;
        /** Output shut down (FIN sent). */
        boolean outputDone;
        /** Reported edge-triggered from now on (see {@link #onEvent}). */
        boolean edge;
        /** Bytes read from the peer that this socket has not taken yet. */
        RelayBuffers.Chunk pending;
        int pendingPos;
        int pendingLimit;

        Side(Socket socket) {
            this.socket = socket;
        }

        @Override
        public FileDescriptor fd() {
            return socket;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent ioEvent) {
            onEvent(this, ((EpollIoEvent) ioEvent).ops().value());
        }

        @Override
        public void close() {
            closeAll(); // the event loop is shutting down
        }
    }
}
