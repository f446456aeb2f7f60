package io.fulcrum.admin.api;

import io.fulcrum.admin.auth.TokenAuthenticator;
import io.fulcrum.core.config.TlsConfig;
import io.fulcrum.core.event.EventLog;
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
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The admin server's socket: its own single-threaded event loop (never the proxy's), a
 * worker pool of virtual threads for the answers, and optional TLS built the same way
 * as a listener's.
 */
public final class AdminHttpServer implements AutoCloseable {

    /** Largest request body accepted (a configuration to validate fits easily). */
    static final int MAX_BODY = 4 * 1024 * 1024;
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
     * Binds and starts serving.
     *
     * @throws IOException when the address cannot be bound or the TLS settings cannot be loaded
     */
    public static AdminHttpServer start(String host, int port, TlsConfig tls, Supplier<TokenAuthenticator> auth,
                                        AdminApi api, MetricsEndpoint metrics, EventLog events,
                                        Supplier<Boolean> metricsOpen) throws IOException {
        TlsRuntime tlsRuntime;
        try {
            tlsRuntime = tls == null ? null : TlsRuntime.compile(tls);
        } catch (RuntimeException e) {
            throw new IOException("admin TLS: " + e.getMessage(), e);
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("fulcrum-admin", true),
                NioIoHandler.newFactory());
        ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fulcrum-admin-", 0).factory());
        StaticFiles files = new StaticFiles();
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tlsRuntime != null) {
                            TlsPipeline.install(ch, tlsRuntime);
                        }
                        // A connection silent both ways for five minutes is closed (event streams send a
                        // comment every 15 s, so they stay).
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(MAX_BODY))
                                .addLast(new AdminHandler(auth, api, files, metrics, events, workers, metricsOpen));
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
            throw new IOException("admin server cannot bind " + host + ":" + port + ": " + e.getMessage(), e);
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
