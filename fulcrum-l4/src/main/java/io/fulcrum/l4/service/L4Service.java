package io.fulcrum.l4.service;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.l4.L4ListenerConfig;
import io.fulcrum.core.config.l4.VirtualServiceConfig;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.l4.ConnectionTableSource;
import io.fulcrum.core.lifecycle.BindFailedException;
import io.fulcrum.core.lifecycle.NodeService;
import io.fulcrum.l4.table.BackendFlowCounters;
import io.fulcrum.l4.table.ConnectionTable;
import io.fulcrum.l4.tcp.TcpFlow;
import io.fulcrum.l4.tcp.direct.DirectTcpListener;
import io.fulcrum.l4.udp.UdpFrontend;
import io.fulcrum.proxy.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The L4 router as a node service: binds every (VIP, port, protocol) of the configured
 * virtual services on its own event loops and relays TCP connections and UDP sessions to
 * each listener's pool. Only owned addresses are bound, so traffic to any other VIP or port
 * is refused by the kernel (a TCP reset, an ICMP port unreachable).
 *
 * <p>Reload: a new configuration is compiled off the event loops and each binding that
 * stays gets the new listener runtime in one volatile write; new bindings are bound and
 * removed ones stop accepting. Open connections keep the runtime they started with and
 * are never closed by a reload (a removed UDP binding takes its sessions with it, since
 * replies leave from its socket).
 */
public final class L4Service implements NodeService, ConnectionTableSource {

    private static final Logger LOG = LoggerFactory.getLogger(L4Service.class);
    private static final int BACKLOG = 4096;

    private final EventLog events;
    /** Set at start ({@code server.idleSpinPolls} shapes its event loops). */
    private Transport transport;
    private final L4Compiler compiler = new L4Compiler();
    private final Map<String, Binding> bindings = new ConcurrentHashMap<>();
    private final ChannelGroup serverChannels = new DefaultChannelGroup("l4-listeners", GlobalEventExecutor.INSTANCE);
    /** Backend connections of the channel relay; set at start with the transport. */
    private ChannelFactory<? extends SocketChannel> clientChannels;
    private volatile ConnectionTable table;
    private volatile ConnectionTableSource alsoShown;
    /** Backends whose failure closes their flows (requirements 2.3 item 6: a failed backend's entries are purged). */
    private final java.util.Set<Backend> purged = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final io.fulcrum.core.backend.BackendListener purgeOnFailure = new io.fulcrum.core.backend.BackendListener() {
        @Override
        public void backendChanged(Backend backend) {
        }

        @Override
        public void backendFailed(Backend backend) {
            ConnectionTable t = table;
            if (t != null) {
                t.closeFlowsTo(backend, "backend failed");
            }
        }
    };
    /** Created with the first binding: a node without virtual services runs no L4 threads. */
    private EventLoopGroup group;
    private int threads;
    private boolean running;

    /** @param events where state changes are published (may be {@code null} in tests) */
    public L4Service(EventLog events) {
        this.events = events;
    }

    @Override
    public String name() {
        return "l4";
    }

    /** In use while some virtual service is bound. */
    @Override
    public boolean inUse() {
        return !bindings.isEmpty();
    }

    /**
     * Compiles the virtual services of a configuration as {@link #start} and {@link #apply} do
     * (certificates, keys, backend TLS, balancers) and drops the result: binds nothing.
     *
     * @throws IllegalArgumentException what the compilation refuses (an
     *                                  {@link io.fulcrum.core.config.InvalidFieldException} names the field)
     */
    public static void check(FulcrumConfig config) {
        new L4Compiler().compile(config);
    }

    @Override
    public synchronized void start(FulcrumConfig config) throws IOException {
        Map<String, L4ListenerRuntime> runtimes = compile(config);
        table = new ConnectionTable(L4Compiler.sweepNanos(runtimes));
        threads = config.server().eventLoopThreads();
        transport = Transport.best(config.server().idleSpinPolls());
        clientChannels = new ReflectiveChannelFactory<>(transport.clientChannelType());
        running = true;
        try {
            applyBindings(config, runtimes);
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    @Override
    public synchronized void apply(FulcrumConfig config) throws IOException {
        if (!running) {
            throw new IllegalStateException("the L4 router is not running");
        }
        Map<String, L4ListenerRuntime> runtimes = compile(config);
        table.sweepEvery(L4Compiler.sweepNanos(runtimes));
        applyBindings(config, runtimes);
    }

    private Map<String, L4ListenerRuntime> compile(FulcrumConfig config) throws IOException {
        Map<String, L4ListenerRuntime> runtimes;
        try {
            runtimes = compiler.compile(config);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        for (L4ListenerRuntime rt : runtimes.values()) {
            for (Backend b : rt.backends()) {
                if (purged.add(b)) {
                    b.addListener(purgeOnFailure);
                }
            }
        }
        return runtimes;
    }

    /**
     * Uses the proxy's live backends for the pools both share (by pool and backend name):
     * health checks, operator drains and adaptive weights then steer L4 flows as well.
     */
    public void sharedBackends(java.util.function.BiFunction<String, String, Backend> lookup) {
        compiler.sharedBackends(lookup);
    }

    /** Binds what is new, updates what stays, unbinds what is gone; keeps going past a failed bind. */
    private void applyBindings(FulcrumConfig config, Map<String, L4ListenerRuntime> runtimes) throws IOException {
        Map<String, L4ListenerRuntime> wanted = new LinkedHashMap<>();
        Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
        Map<String, String> fields = new LinkedHashMap<>(); // where each address was written, for a failure
        for (int v = 0; v < config.virtualServices().size(); v++) {
            VirtualServiceConfig vs = config.virtualServices().get(v);
            if (!vs.proxyMode()) {
                continue; // the packet path (fulcrum-packet) serves it: nothing is bound
            }
            for (L4ListenerConfig lc : vs.listeners()) {
                L4ListenerRuntime rt = runtimes.get(vs.name() + "|" + lc.key());
                for (int i = 0; i < vs.vips().size(); i++) {
                    String vip = vs.vips().get(i);
                    String key = bindingKey(vip, lc);
                    wanted.put(key, rt);
                    addresses.put(key, new InetSocketAddress(InetAddress.getByName(vip), lc.port()));
                    fields.putIfAbsent(key, "virtualServices[" + v + "].vips[" + i + "]");
                }
            }
        }
        for (String key : List.copyOf(bindings.keySet())) {
            if (!wanted.containsKey(key)) {
                Binding b = bindings.remove(key);
                b.stop();
                LOG.info("L4 {} stopped accepting", key);
                publish("l4.unbound", key, "removed from the configuration");
            }
        }
        IOException first = null;
        for (var e : wanted.entrySet()) {
            Binding b = bindings.get(e.getKey());
            if (b != null) {
                b.runtime = e.getValue();
                continue;
            }
            try {
                bind(e.getKey(), addresses.get(e.getKey()), e.getValue());
            } catch (IOException ex) {
                LOG.error("{}", ex.getMessage());
                first = first == null ? new BindFailedException(fields.get(e.getKey()), ex.getMessage(), ex) : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static String bindingKey(String vip, L4ListenerConfig lc) {
        return lc.protocol() + "://" + vip + ":" + lc.port();
    }

    private void bind(String key, InetSocketAddress address, L4ListenerRuntime rt) throws IOException {
        if (group == null) {
            group = transport.newGroup(threads, "fulcrum-l4");
            LOG.info("L4 router starting with the {} transport and {} event loop(s)", transport.name(),
                    threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
        }
        Binding binding = new Binding(rt);
        String vip = vipString(rt, address);
        Channel ch;
        try {
            if ("udp".equals(rt.config().protocol())) {
                Class<? extends DatagramChannel> type = datagramType();
                ch = new Bootstrap().group(group).channel(type)
                        .handler(new UdpFrontend(() -> binding.runtime, table, type, vip))
                        .bind(address).sync().channel();
            } else if ("epoll".equals(transport.name())) {
                binding.direct = DirectTcpListener.bind(group, address, BACKLOG, () -> binding.runtime, vip, table,
                        (loop, fd, runtime) -> channelRelay(loop, fd, vip, runtime));
                ch = null;
            } else {
                ch = new ServerBootstrap().group(group).channel(transport.serverChannelType())
                        .option(ChannelOption.SO_BACKLOG, BACKLOG)
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childOption(ChannelOption.AUTO_READ, false)
                        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel c) {
                                TcpFlow.install(c, vip, binding.runtime, table, clientChannels);
                            }
                        })
                        .bind(address).sync().channel();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding " + key, e);
        } catch (Exception e) {
            throw new IOException("virtual service " + rt.service() + " cannot bind " + key + ": " + e.getMessage(), e);
        }
        binding.channel = ch;
        bindings.put(key, binding);
        if (ch != null) {
            serverChannels.add(ch);
        }
        LOG.info("virtual service {} serving {} on {}", rt.service(), rt.config().protocol(), binding.localAddress());
        publish("l4.bound", key, "virtual service " + rt.service());
    }

    private static String vipString(L4ListenerRuntime rt, InetSocketAddress address) {
        for (String vip : rt.timeouts().keySet()) {
            try {
                if (InetAddress.getByName(vip).equals(address.getAddress())) {
                    return vip;
                }
            } catch (java.net.UnknownHostException e) {
                // literals only
            }
        }
        return address.getAddress().getHostAddress();
    }

    private Class<? extends DatagramChannel> datagramType() {
        return "epoll".equals(transport.name()) ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    private void publish(String kind, String subject, String reason) {
        if (events != null) {
            events.publish(kind, subject, reason, Map.of());
        }
    }

    /** Where each binding is, by key {@code tcp://127.0.0.2:80} (port 0 resolves here). */
    public Map<String, InetSocketAddress> boundAddresses() {
        Map<String, InetSocketAddress> m = new LinkedHashMap<>();
        bindings.forEach((k, b) -> m.put(k, b.localAddress()));
        return m;
    }

    /**
     * Another table shown with this one by {@code fulcrum conns} and the admin API: the packet
     * path's, whose flows never reach this router.
     */
    public void alsoShow(ConnectionTableSource other) {
        this.alsoShown = other;
    }

    @Override
    public List<ConnectionEntry> connections(int limit) {
        ConnectionTable t = table;
        List<ConnectionEntry> own = t == null ? List.of() : t.snapshot(Math.max(0, limit));
        ConnectionTableSource other = alsoShown;
        if (other == null || own.size() >= limit) {
            return own;
        }
        List<ConnectionEntry> all = new ArrayList<>(own);
        all.addAll(other.connections(limit - own.size()));
        return all;
    }

    @Override
    public List<BackendConnectionCounters> backendCounters() {
        List<BackendConnectionCounters> out = new ArrayList<>();
        ConnectionTableSource other = alsoShown;
        if (other != null) {
            out.addAll(other.backendCounters());
        }
        for (BackendFlowCounters c : compiler.counters()) {
            out.add(new BackendConnectionCounters(c.service(), c.pool(), c.backend(), c.active(), c.fin(),
                    c.completed(), c.opened(), c.bytesIn(), c.bytesOut()));
        }
        out.sort(java.util.Comparator.comparing(BackendConnectionCounters::service)
                .thenComparing(BackendConnectionCounters::pool).thenComparing(BackendConnectionCounters::backend));
        return out;
    }

    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        serverChannels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        bindings.values().forEach(Binding::stop);
        // Shutting the event loops down closes every flow still open.
        bindings.clear();
        table.close();
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            group = null;
        }
    }

    /**
     * A connection the direct relay does not take (TLS, PROXY protocol, splice): the accepted
     * descriptor becomes a Netty channel relayed by {@link TcpFlow}.
     */
    private void channelRelay(IoEventLoop loop, int fd, String vip, L4ListenerRuntime rt) {
        EpollSocketChannel ch = new EpollSocketChannel(fd);
        ch.config().setAutoRead(false);
        ch.config().setAllowHalfClosure(true);
        TcpFlow.install(ch, vip, rt, table, clientChannels);
        loop.register(ch);
    }

    /** One bound (VIP, port, protocol) and the listener runtime new flows take. */
    private static final class Binding {
        volatile L4ListenerRuntime runtime;
        /** A UDP socket, or a TCP listener on the NIO transport. */
        Channel channel;
        /** A TCP listener on the epoll transport. */
        DirectTcpListener direct;

        Binding(L4ListenerRuntime runtime) {
            this.runtime = runtime;
        }

        InetSocketAddress localAddress() {
            return direct != null ? direct.localAddress() : (InetSocketAddress) channel.localAddress();
        }

        /** Stops accepting (or receiving); waits until done. */
        void stop() {
            if (direct != null) {
                direct.stop();
            } else {
                channel.close().syncUninterruptibly();
            }
        }
    }
}
