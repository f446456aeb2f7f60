package io.fulcrum.admin.api;

import io.fulcrum.admin.auth.TokenAuthenticator;
import io.fulcrum.core.config.TlsConfig;
import io.fulcrum.core.lifecycle.BindFailedException;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.nativeio.ReservedCpus;
import io.fulcrum.proxy.tls.TlsPipeline;
import io.fulcrum.proxy.tls.TlsRuntime;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The admin server's socket: its own single-threaded event loop (never the proxy's), a
 * worker pool of virtual threads for the answers, and optional TLS built the same way
 * as a listener's.
 *
 * <p>Each connection passes, in order: {@link ConnectionLimit} (the cap on open
 * connections), TLS, an idle timer, the HTTP codec, {@link RequestReader} (decides on
 * each request from its head: token, endpoint, role, body limit, head timeout) and
 * {@link AdminHandler} (answers, in request order).
 */
public final class AdminHttpServer implements AutoCloseable {

    /** Idle connections are closed after this long. */
    static final long IDLE_SECONDS = 300;

    private final EventLoopGroup group;
    private final ExecutorService workers;
    private final Channel channel;

    private AdminHttpServer(EventLoopGroup group, ExecutorService workers, Channel channel) {
        this.group = group;
        this.workers = workers;
        this.channel = channel;
    }

    /**
     * What the server enforces on its connections, read for each new connection (so a
     * reload changes them without a re-bind).
     *
     * @param maxConnections most connections open at once
     * @param headTimeout    how long a request head may take
     */
    public record Limits(int maxConnections, Duration headTimeout) {
    }

    /**
     * Binds and starts serving.
     *
     * @throws IOException when the address cannot be bound or the TLS settings cannot be loaded
     */
    public static AdminHttpServer start(String host, int port, TlsConfig tls, Supplier<TokenAuthenticator> auth,
                                        AdminApi api, MetricsEndpoint metrics, EventLog events,
                                        Supplier<Boolean> metricsOpen, Supplier<Limits> limits) throws IOException {
        TlsRuntime tlsRuntime;
        try {
            tlsRuntime = tls == null ? null : TlsRuntime.compile(tls);
        } catch (RuntimeException e) {
            throw new IOException("admin TLS: " + e.getMessage(), e);
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, ReservedCpus.apart(new DefaultThreadFactory("fulcrum-admin", true)),
                NioIoHandler.newFactory());
        ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fulcrum-admin-", 0).factory());
        StaticFiles files = new StaticFiles();
        ConnectionLimit connectionLimit = new ConnectionLimit(() -> limits.get().maxConnections(), tlsRuntime != null);
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(connectionLimit);
                        if (tlsRuntime != null) {
                            TlsPipeline.install(ch, tlsRuntime);
                        }
                        // A connection silent both ways for five minutes is closed (event streams send a
                        // comment every 15 s, so they stay). Heads have their own, shorter timer.
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                                .addLast(new HttpServerCodec())
                                .addLast(new RequestReader(auth, api, metricsOpen, limits.get().headTimeout()))
                                .addLast(new AdminHandler(api, files, metrics, events, workers));
                    }
                });
        try {
            Channel ch = b.bind(new InetSocketAddress(host, port)).sync().channel();
            return new AdminHttpServer(group, workers, ch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown(group, workers);
            throw new IOException("interrupted while binding the admin server", e);
        } catch (Exception e) {
            shutdown(group, workers);
            throw new BindFailedException("admin.bind", "admin server cannot bind " + host + ":" + port + ": "
                    + e.getMessage(), e);
        }
    }

    /** Where it listens. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Stops accepting connections; those open are served until {@link #close()}. */
    public void stopAccepting() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        shutdown(group, workers);
    }

    private static void shutdown(EventLoopGroup group, ExecutorService workers) {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        workers.shutdownNow();
    }
}
