package io.fulcrum.cluster.sticky;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.sticky.StickyTable;
import io.fulcrum.proxy.runtime.ListenerRuntime;
import io.fulcrum.proxy.runtime.RouteRuntime;
import io.fulcrum.proxy.runtime.RuntimeState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Shares this proxy's sticky sessions with its peers, after HAProxy's {@code peers}: each
 * binding a route's {@link StickyTable} makes (a new one, or a refresh past half its life) is
 * queued and pushed to every peer with its remaining life; a link that (re)connects first sends
 * the whole table, then "synced", then the increments. Received entries go into the route of the
 * same {@code listener/route} name with {@link StickyTable#storeReplica}, bound to the backend of
 * the same name, so a client that reaches another proxy keeps its backend.
 *
 * <p>Per-request work on the event loops is one non-blocking {@code offer} per peer; sockets are
 * served by threads of their own. A peer that falls behind by more than {@link #QUEUE} entries is
 * resynchronised in full instead.
 */
public final class StickyPeers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StickyPeers.class);
    /** Entries queued per peer before the link gives up on increments and resyncs. */
    static final int QUEUE = 65_536;
    private static final long RETRY_MIN_MILLIS = 200;
    private static final long RETRY_MAX_MILLIS = 5_000;
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

    private final Supplier<RuntimeState> runtime;
    private final InetSocketAddress listen;
    private final Supplier<List<InetSocketAddress>> peers;
    private final Map<InetSocketAddress, Link> links = new ConcurrentHashMap<>();
    private final Set<Socket> accepted = ConcurrentHashMap.newKeySet();
    private final LongAdder received = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private volatile boolean closed;
    private ServerSocket server;
    private Thread peerWatcher;

    /**
     * @param runtime the proxy's current runtime (its routes' sticky tables)
     * @param listen  where peers connect to this node
     * @param peers   the other proxies' addresses, asked again every few seconds (membership can change them)
     */
    public StickyPeers(Supplier<RuntimeState> runtime, InetSocketAddress listen, Supplier<List<InetSocketAddress>> peers) {
        this.runtime = runtime;
        this.listen = listen;
        this.peers = peers;
    }

    /** Binds the listening socket and starts the links. */
    public synchronized StickyPeers start() throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(listen);
        Thread.ofPlatform().name("fulcrum-sticky-peers-accept").daemon(true).start(this::acceptLoop);
        hookTables();
        peerWatcher = Thread.ofPlatform().name("fulcrum-sticky-peers").daemon(true).start(() -> {
            while (!closed) {
                refreshPeers();
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        LOG.info("sticky peers: listening on {}", server.getLocalSocketAddress());
        return this;
    }

    /** The address peers connect to. */
    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** Hooks the sticky tables of the current runtime (call after every reload: routes may be new). */
    public void hookTables() {
        for (ListenerRuntime l : runtime.get().listeners().values()) {
            for (RouteRuntime r : l.routes()) {
                String name = l.name() + "/" + r.name();
                r.sticky().replicateTo((key, backend, expires) -> push(name, key, backend, expires));
            }
        }
    }

    /** Entries taken from peers. */
    public long received() {
        return received.sum();
    }

    /** Per peer address: whether its link is connected and in sync. */
    public Map<String, String> linkStates() {
        Map<String, String> out = new HashMap<>();
        links.forEach((a, l) -> out.put(a.getHostString() + ":" + a.getPort(), l.state));
        return out;
    }

    private void push(String table, String key, Backend backend, long expiresAtNanos) {
        long ttl = Math.max(0, (expiresAtNanos - System.nanoTime()) / 1_000_000);
        StickyFrame f = new StickyFrame(table, key, backend.name(), ttl);
        for (Link l : links.values()) {
            l.offer(f);
        }
    }

    private void refreshPeers() {
        Set<InetSocketAddress> want;
        try {
            want = new HashSet<>(peers.get());
        } catch (RuntimeException e) {
            return;
        }
        want.remove(boundAddress());
        for (InetSocketAddress a : want) {
            links.computeIfAbsent(a, Link::new);
        }
        links.entrySet().removeIf(e -> {
            if (!want.contains(e.getKey())) {
                e.getValue().stop();
                return true;
            }
            return false;
        });
    }

    // ---- the accepting side ---------------------------------------------------------------------

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                accepted.add(s);
                Thread.ofVirtual().name("fulcrum-sticky-peer-in").start(() -> serve(s));
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("sticky peers: accept failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(Socket s) {
        try (s; DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()))) {
            StickyFrame.readHello(in);
            while (!closed) {
                StickyFrame f = StickyFrame.read(in);
                if (f != null) {
                    apply(f);
                }
            }
        } catch (IOException e) {
            LOG.debug("sticky peer {} gone: {}", s.getRemoteSocketAddress(), e.toString());
        } finally {
            accepted.remove(s);
        }
    }

    /** Stores a peer's entry in the route of the same name, bound to the backend of the same name. */
    void apply(StickyFrame f) {
        int slash = f.table().indexOf('/');
        ListenerRuntime l = slash < 0 ? null : runtime.get().listeners().get(f.table().substring(0, slash));
        RouteRuntime route = null;
        if (l != null) {
            String name = f.table().substring(slash + 1);
            for (RouteRuntime r : l.routes()) {
                if (r.name().equals(name)) {
                    route = r;
                }
            }
        }
        Backend b = route == null ? null : route.pool().backend(f.backend());
        if (b == null || !route.stickiness().enabled()) {
            refused.increment(); // configured differently here: nothing to bind it to
            return;
        }
        long ttlNanos = Math.min(TimeUnit.MILLISECONDS.toNanos(f.ttlMillis()), route.stickyTimeoutNanos());
        route.sticky().storeReplica(f.key(), b, System.nanoTime() + ttlNanos);
        received.increment();
    }

    // ---- the pushing side -----------------------------------------------------------------------

    /** The link to one peer: a queue and a thread that connects, resyncs, then drains the queue. */
    private final class Link {
        final InetSocketAddress address;
        final BlockingQueue<StickyFrame> queue = new ArrayBlockingQueue<>(QUEUE);
        final Thread thread;
        volatile boolean overflowed;
        volatile String state = "connecting";
        volatile boolean stopped;
        volatile Socket socket;

        Link(InetSocketAddress address) {
            this.address = address;
            this.thread = Thread.ofPlatform().name("fulcrum-sticky-peer-" + address.getPort()).daemon(true)
                    .start(this::run);
        }

        void offer(StickyFrame f) {
            if (!queue.offer(f)) {
                overflowed = true; // the next round sends the whole table instead
            }
        }

        void stop() {
            stopped = true;
            thread.interrupt();
            Socket s = socket;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }

        private void run() {
            long retry = RETRY_MIN_MILLIS;
            while (!stopped && !closed) {
                try (Socket s = new Socket()) {
                    socket = s;
                    s.setTcpNoDelay(true);
                    s.connect(address, CONNECT_TIMEOUT_MILLIS);
                    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
                    StickyFrame.writeHello(out);
                    resync(out);
                    state = "synced";
                    LOG.info("sticky peers: {} connected and in sync", address);
                    retry = RETRY_MIN_MILLIS;
                    while (!stopped && !closed) {
                        StickyFrame f = queue.poll(1, TimeUnit.SECONDS);
                        if (overflowed) {
                            resync(out);
                        } else if (f != null) {
                            f.write(out);
                            // Batch what is queued already, then flush once.
                            for (StickyFrame more = queue.poll(); more != null; more = queue.poll()) {
                                more.write(out);
                            }
                        }
                        out.flush();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    if (!"connecting".equals(state)) {
                        LOG.info("sticky peers: {} lost ({}); reconnecting", address, e.toString());
                    }
                    state = "connecting";
                }
                try {
                    Thread.sleep(retry);
                } catch (InterruptedException e) {
                    return;
                }
                retry = Math.min(RETRY_MAX_MILLIS, retry * 2);
            }
        }

        /** Sends every live entry of every table, then "synced"; queued increments sent so far are dropped. */
        private void resync(DataOutputStream out) throws IOException {
            overflowed = false;
            queue.clear(); // the snapshot below holds them all
            long now = System.nanoTime();
            for (ListenerRuntime l : runtime.get().listeners().values()) {
                for (RouteRuntime r : l.routes()) {
                    String table = l.name() + "/" + r.name();
                    for (StickyTable.Entry e : r.sticky().snapshot()) {
                        long ttl = (e.expiresAtNanos() - now) / 1_000_000;
                        if (ttl > 0) {
                            new StickyFrame(table, e.key(), e.backend().name(), ttl).write(out);
                        }
                    }
                }
            }
            StickyFrame.writeSynced(out);
            out.flush();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (ListenerRuntime l : runtime.get().listeners().values()) {
            for (RouteRuntime r : l.routes()) {
                r.sticky().replicateTo(null);
            }
        }
        if (peerWatcher != null) {
            peerWatcher.interrupt();
        }
        links.values().forEach(Link::stop);
        links.clear();
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : accepted) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
