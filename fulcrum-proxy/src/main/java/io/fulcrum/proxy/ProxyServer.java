package io.fulcrum.proxy;

import io.fulcrum.proxy.runtime.BackendConnectSettings;
import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.lifecycle.BindFailedException;
import io.fulcrum.proxy.http.BackendConnectionPool;
import io.fulcrum.proxy.http.Handoff;
import io.fulcrum.proxy.http.HttpProxyHandler;
import io.fulcrum.proxy.http.ListenerSlot;
import io.fulcrum.proxy.http2.Http2Pipelines;
import io.fulcrum.proxy.log.AccessLog;
import io.fulcrum.proxy.observe.ExchangeObserver;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.proxy.runtime.RuntimeCompiler;
import io.fulcrum.proxy.runtime.RuntimeState;
import io.fulcrum.proxy.runtime.SessionMaintenance;
import io.fulcrum.proxy.tls.TlsPipeline;
import io.fulcrum.proxy.tls.TlsRuntime;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP data plane: owns the event loops, binds every listener of a
 * configuration and proxies requests to the pools' backends.
 *
 * <p>Lifecycle: construct, {@link #start()}, optionally {@link #apply} newer
 * configurations, then {@link #shutdownGracefully()} or {@link #close()}.
 */
public final class ProxyServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    private final Transport transport;
    private final RuntimeCompiler compiler = new RuntimeCompiler();
    private final EventLoopGroup group;
    private final Map<EventLoop, BackendConnectionPool> backendPools = new IdentityHashMap<>();
    private final ChannelGroup clientChannels = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private final Map<String, ListenerSlot> slots = new ConcurrentHashMap<>();
    private final Map<String, Channel> serverChannels = new ConcurrentHashMap<>();
    private final ScheduledExecutorService control;

    private volatile RuntimeState state;
    private volatile AccessLog accessLog;
    private volatile boolean stopped;
    private volatile Handoff handoff = Handoff.NONE;
    private volatile ExchangeObserver observer;

    /** Builds the runtime from a validated configuration; binds nothing yet. */
    public ProxyServer(FulcrumConfig config) {
        this.state = compiler.compile(config);
        warnUnverifiedBackends(config);
        this.accessLog = new AccessLog(config.accessLog());
        this.transport = Transport.forHttp(config.server().transport(), config.server().idleSpinPolls());
        this.group = transport.newGroup(config.server().eventLoopThreads(), "fulcrum-io");
        for (EventExecutor e : group) {
            EventLoop loop = (EventLoop) e;
            backendPools.put(loop, new BackendConnectionPool(loop, transport.clientChannelType()));
        }
        this.control = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                .name("fulcrum-sessions").daemon(true).unstarted(r));
        long purge = Math.max(10, config.server().stickyPurgeInterval().toMillis());
        control.scheduleWithFixedDelay(new SessionMaintenance(() -> state), purge, purge, TimeUnit.MILLISECONDS);
    }

    /**
     * Compiles a configuration exactly as the constructor and {@link #apply} do (certificates and
     * keys, TLS to backends, balancers, routes) and drops the result: binds and starts nothing.
     * {@code fulcrum validate} runs this so that a file it accepts is one this server starts with.
     *
     * @throws IllegalArgumentException what the compilation refuses (an
     *                                  {@link io.fulcrum.core.config.InvalidFieldException} names the field)
     */
    public static void check(FulcrumConfig config) {
        new RuntimeCompiler().compile(config);
    }

    /**
     * Binds every listener and starts serving.
     *
     * @throws IOException when a listener cannot be bound (the message names the listener and address)
     */
    public void start() throws IOException {
        LOG.info("starting with the {} transport and {} event loop(s)", transport.name(), backendPools.size());
        for (ListenerConfig lc : state.config().listeners()) {
            bind(lc);
        }
    }

    private void bind(ListenerConfig lc) throws IOException {
        ListenerSlot slot = new ListenerSlot(state.listeners().get(lc.name()), accessLog);
        slot.handoff(handoff);
        slot.observer(observer);
        Channel ch = bindChannel(lc, slot);
        slots.put(lc.name(), slot);
        serverChannels.put(lc.name(), ch);
    }

    /** Binds {@code lc}'s address for {@code slot}; registers nothing. */
    private Channel bindChannel(ListenerConfig lc, ListenerSlot slot) throws IOException {
        HostPort hp = lc.bind();
        ServerBootstrap b = new ServerBootstrap().group(group).channel(transport.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.RECVBUF_ALLOCATOR, ReadSizing.PROXY)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        clientChannels.add(ch);
                        TlsRuntime tls = slot.runtime().tls();
                        if (tls != null) {
                            TlsPipeline.install(ch, tls);
                        }
                        Http2Pipelines.installClient(ch, slot, backendPools.get(ch.eventLoop()));
                    }
                });
        try {
            Channel ch = b.bind(new InetSocketAddress(hp.host(), hp.port())).sync().channel();
            LOG.info("listener {} serving {} on {}", lc.name(), lc.tls() != null ? "HTTPS" : "HTTP",
                    ch.localAddress());
            return ch;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding listener " + lc.name(), e);
        } catch (Exception e) {
            throw new BindFailedException("listeners[" + state.config().listeners().indexOf(lc) + "].bind",
                    "listener " + lc.name() + " cannot bind " + lc.bind() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Swaps in a newer configuration: the snapshot is compiled here (off the event
     * loops) and published in one step; listeners that appeared are bound, those that
     * disappeared stop accepting (their open connections finish).
     *
     * <p>A listener whose {@code bind} moved binds its new address before it lets go of the
     * old one. When the new address cannot be bound (in use, say), the listener keeps its old
     * socket and its old {@code bind}: the configuration in effect ({@link #runtime()}) says
     * so, and the next apply tries the move again.
     *
     * <p>Idle backend connections of pools whose protocol, TLS or PROXY header changed are
     * not reused: the next request opens one the new way.
     *
     * @throws IOException when a listener cannot bind (the rest of the change stays applied)
     */
    public synchronized void apply(FulcrumConfig config) throws IOException {
        if (stopped) {
            throw new IllegalStateException("the proxy is shut down; a configuration cannot be applied");
        }
        RuntimeState previous = state;
        RuntimeState next = compiler.compile(config);
        warnUnverifiedBackends(config);
        AccessLog oldLog = accessLog;
        AccessLog newLog = config.accessLog().equals(previous.config().accessLog()) ? oldLog
                : new AccessLog(config.accessLog());
        IOException bindFailure = null;
        try {
            // Moved listeners: the new address first, so a failure leaves the old one serving.
            Map<String, Channel> moved = new LinkedHashMap<>();
            Map<String, HostPort> keptBinds = new LinkedHashMap<>();
            for (var e : slots.entrySet()) {
                var lr = next.listeners().get(e.getKey());
                HostPort oldBind = e.getValue().runtime().config().bind();
                if (lr != null && !lr.config().bind().equals(oldBind)) {
                    try {
                        moved.put(e.getKey(), bindMoved(lr.config(), e.getValue()));
                    } catch (IOException ex) {
                        LOG.error("{}; listener {} keeps serving on {}", ex.getMessage(), e.getKey(), oldBind);
                        bindFailure = bindFailure == null ? new IOException(ex.getMessage()
                                + "; listener " + e.getKey() + " keeps " + oldBind, ex) : bindFailure;
                        keptBinds.put(e.getKey(), oldBind);
                    }
                }
            }
            if (!keptBinds.isEmpty()) {
                next = compiler.compile(withBinds(config, keptBinds));
            }
            state = next;
            accessLog = newLog;
            for (String name : Map.copyOf(slots).keySet()) {
                ListenerSlot slot = slots.get(name);
                var lr = next.listeners().get(name);
                if (lr == null) {
                    // Gone: stop accepting here. Its open connections finish on the snapshot they
                    // started with (they are on their way out and get no later changes).
                    slots.remove(name);
                    serverChannels.remove(name).close().syncUninterruptibly();
                    slot.update(slot.runtime(), newLog);
                    LOG.info("listener {} stopped accepting on {}", name, slot.runtime().config().bind());
                    continue;
                }
                Channel newChannel = moved.get(name);
                if (newChannel != null) {
                    Channel old = serverChannels.put(name, newChannel);
                    old.close().syncUninterruptibly();
                    LOG.info("listener {} moved from {} to {}", name, slot.runtime().config().bind(),
                            lr.config().bind());
                }
                slot.update(lr, newLog);
            }
            for (ListenerConfig lc : next.config().listeners()) {
                if (!serverChannels.containsKey(lc.name())) {
                    try {
                        bind(lc);
                    } catch (IOException e) {
                        // Keep binding the others; report the first failure once all were tried.
                        LOG.error("{}", e.getMessage());
                        bindFailure = bindFailure == null ? e : bindFailure;
                    }
                }
            }
            retireChangedConnections(previous, next);
        } finally {
            if (newLog != oldLog) {
                oldLog.close();
            }
        }
        if (bindFailure != null) {
            throw bindFailure;
        }
    }

    /** Logged at every apply (and not by {@link #check}, whose caller warns in its own words). */
    private static void warnUnverifiedBackends(FulcrumConfig config) {
        for (var pool : config.pools()) {
            if (pool.tls() != null && !pool.tls().verify()) {
                LOG.warn("pool {}: TLS certificates of its backends are NOT verified (tls.verify: false); anyone on "
                        + "the path to them can read and change this traffic", pool.name());
            }
        }
    }

    /**
     * Binds a moved listener's new address. When that fails and the old address has the same
     * port (a move between a wildcard and a specific address overlaps it), lets go of the old
     * socket first and, should the new bind still fail, binds the old address again.
     */
    private Channel bindMoved(ListenerConfig lc, ListenerSlot slot) throws IOException {
        try {
            return bindChannel(lc, slot);
        } catch (IOException first) {
            ListenerConfig was = slot.runtime().config();
            if (was.bind().port() != lc.bind().port()) {
                throw first;
            }
            Channel old = serverChannels.get(lc.name());
            old.close().syncUninterruptibly();
            try {
                return bindChannel(lc, slot);
            } catch (IOException second) {
                serverChannels.put(lc.name(), bindChannel(was, slot));
                throw second;
            }
        }
    }

    /** {@code config} with these listeners' {@code bind} put back to the address they keep. */
    private static FulcrumConfig withBinds(FulcrumConfig config, Map<String, HostPort> binds) {
        java.util.List<ListenerConfig> listeners = new java.util.ArrayList<>();
        for (ListenerConfig lc : config.listeners()) {
            HostPort keep = binds.get(lc.name());
            listeners.add(keep == null ? lc : new ListenerConfig(lc.name(), keep, lc.protocol(), lc.timeouts(),
                    lc.limits(), lc.forwarded(), lc.routes(), lc.tls(), lc.http2(), lc.acceptProxyProtocol(),
                    lc.connect(), lc.errorPages()));
        }
        return new FulcrumConfig(config.server(), config.accessLog(), listeners, config.pools(), config.l4Timeouts(),
                config.virtualServices(), config.gslb(), config.dns(), config.admin(), config.store(),
                config.cluster(), config.controller(), config.stickyPeers(), config.sites());
    }

    /** Tells every event loop to stop reusing connections of pools that now connect differently. */
    private void retireChangedConnections(RuntimeState previous, RuntimeState next) {
        java.util.Set<Backend> retired = new java.util.HashSet<>();
        for (var e : next.pools().entrySet()) {
            var before = previous.pools().get(e.getKey());
            if (before != null && !sameConnections(before.config(), e.getValue().config())) {
                retired.addAll(before.backends());
                retired.addAll(e.getValue().backends());
            }
        }
        if (retired.isEmpty()) {
            return;
        }
        java.util.Set<Backend> set = java.util.Set.copyOf(retired);
        backendPools.forEach((loop, pool) -> loop.execute(() -> pool.retire(set)));
    }

    /** Whether two pool settings open backend connections the same way. */
    private static boolean sameConnections(io.fulcrum.core.config.PoolConfig a, io.fulcrum.core.config.PoolConfig b) {
        return BackendConnectSettings.of(a).equals(BackendConnectSettings.of(b));
    }

    /** Sets the GSLB redirect hand-off used when a listener cannot serve a request ({@code null}: none). */
    public void handoff(Handoff handoff) {
        this.handoff = handoff == null ? Handoff.NONE : handoff;
        for (ListenerSlot slot : slots.values()) {
            slot.handoff(this.handoff);
        }
    }

    /** Listener name to the address it is actually bound to (port 0 in the configuration resolves here). */
    public Map<String, InetSocketAddress> boundAddresses() {
        Map<String, InetSocketAddress> m = new LinkedHashMap<>();
        for (ListenerConfig lc : state.config().listeners()) {
            Channel ch = serverChannels.get(lc.name());
            if (ch != null) {
                m.put(lc.name(), (InetSocketAddress) ch.localAddress());
            }
        }
        return m;
    }

    /** Tells {@code observer} about every finished request from now on ({@code null} to stop). */
    public void observeExchanges(ExchangeObserver observer) {
        this.observer = observer;
        slots.values().forEach(slot -> slot.observer(observer));
    }

    /** The observer of finished requests now set ({@code null}: none), so another can be chained before it. */
    public ExchangeObserver exchangeObserver() {
        return observer;
    }

    /**
     * Access-log records the current log dropped rather than wait: its queue was full, or syslog
     * could not take them (not there, or its socket's buffer full). Counted from the log's opening
     * (a reload that changes {@code accessLog} opens a new one).
     */
    public long accessLogDropped() {
        return accessLog.dropped();
    }

    /** The current runtime snapshot (pools, backends, routes). */
    public RuntimeState runtime() {
        return state;
    }

    /** A live backend by pool and backend name, or {@code null}. */
    public Backend backend(String pool, String name) {
        var p = state.pools().get(pool);
        return p == null ? null : p.backend(name);
    }

    /** Runs one pass of sticky-session housekeeping now (it also runs periodically). */
    public void runSessionMaintenance() {
        new SessionMaintenance(() -> state).runOnce(System.nanoTime());
    }

    /** The live handle of a bound listener (its open connections and counters), or {@code null}. */
    public ListenerSlot listenerSlot(String name) {
        return slots.get(name);
    }

    /** Open client connections across all listeners. */
    public int clientConnections() {
        return clientChannels.size();
    }

    /** Stops accepting, lets in-flight requests finish up to the configured grace period, then closes everything. */
    public void shutdownGracefully() {
        shutdownGracefully(state.config().server().shutdownGrace());
    }

    /** Like {@link #shutdownGracefully()} with an explicit grace period. */
    public synchronized void shutdownGracefully(Duration grace) {
        if (stopped) {
            return;
        }
        stopped = true;
        for (Channel ch : serverChannels.values()) {
            ch.close().syncUninterruptibly();
        }
        slots.values().forEach(ListenerSlot::startDraining);
        for (Channel ch : clientChannels) {
            ch.pipeline().fireUserEventTriggered(HttpProxyHandler.ShutdownEvent.INSTANCE);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (!clientChannels.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!clientChannels.isEmpty()) {
            LOG.warn("grace period over: closing {} connection(s) still busy", clientChannels.size());
        }
        clientChannels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        control.shutdownNow();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        accessLog.close();
        LOG.info("stopped");
    }

    @Override
    public void close() {
        shutdownGracefully();
    }
}
