package io.fulcrum.bench;

import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.proxy.ProxyServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The per-stream cost of Fulcrum's HTTP/2 client path, end to end on loopback: one h2c
 * connection from a Netty client sends {@value #STREAMS} concurrent GETs (one flush), the
 * proxy turns each stream into an HTTP/1.1 request to a keep-alive backend on the same
 * machine and relays the answer; an invocation ends when every stream has ended. The score
 * is time per stream, so it includes the client and the backend (kept minimal, the same
 * for every version measured): compare versions, not the number itself.
 *
 * <p>It uses only the proxy's configuration and public start/stop, so the same file runs
 * against older commits (the child-channel path before issue 22) for a before/after pair.
 * {@code body} is the response size: 2 bytes, or 16 KiB so DATA frames and the client's
 * windows take part.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class Http2StreamBenchmark {

    /** Streams per invocation: the proxy's default SETTINGS_MAX_CONCURRENT_STREAMS. */
    static final int STREAMS = 100;

    @Param({"2", "16384"})
    public int body;

    private EventLoopGroup group;
    private Channel backend;
    private ProxyServer proxy;
    private Channel client;
    private Http2ConnectionHandler clientCodec;
    private final AtomicInteger ended = new AtomicInteger();
    private volatile CompletableFuture<Void> round;
    private int nextStreamId = 3;
    private Http2Headers request;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            start();
        } catch (Exception | Error e) {
            tearDown();
            throw e;
        }
    }

    private void start() throws Exception {
        byte[] payload = new byte[body];
        java.util.Arrays.fill(payload, (byte) 'x');
        backend = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                HttpResponseStatus.OK, Unpooled.wrappedBuffer(payload));
                                        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, payload.length);
                                        ctx.write(r);
                                    }

                                    @Override
                                    public void channelReadComplete(ChannelHandlerContext ctx) {
                                        ctx.flush();
                                    }
                                });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        int backendPort = ((InetSocketAddress) backend.localAddress()).getPort();
        proxy = new ProxyServer(ConfigLoader.parse("""
                server:
                  eventLoopThreads: 1
                accessLog:
                  enabled: false
                listeners:
                  - name: web
                    bind: 127.0.0.1:%d
                    http2:
                      cleartext: true
                    routes:
                      - name: all
                        pool: app
                pools:
                  - name: app
                    backends:
                      - name: b
                        address: 127.0.0.1:%d
                """.formatted(freePort(), backendPort), "bench"));
        proxy.start();
        InetSocketAddress web = proxy.boundAddresses().get("web");
        clientCodec = new Http2ConnectionHandlerBuilder()
                .server(false)
                .initialSettings(Http2Settings.defaultSettings().initialWindowSize(1 << 24))
                .frameListener(new Http2FrameAdapter() {
                    @Override
                    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
                                          boolean endOfStream) {
                        if (endOfStream) {
                            streamEnded();
                        }
                        return data.readableBytes() + padding;
                    }

                    @Override
                    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers,
                                              int padding, boolean endOfStream) {
                        if (endOfStream) {
                            streamEnded();
                        }
                    }
                })
                .build();
        client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(clientCodec)
                .connect(web).sync().channel();
        client.eventLoop().submit(() -> {
            clientCodec.connection().local().flowController()
                    .incrementWindowSize(clientCodec.connection().connectionStream(), 1 << 30);
            return null;
        }).sync();
        request = new DefaultHttp2Headers().method("GET").path("/").scheme("http").authority("bench.test");
        streams(); // the connection's first round: SETTINGS exchanged, backend connections opened
    }

    /** A loopback port free a moment ago (the configuration wants a fixed port). */
    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void streamEnded() {
        if (ended.incrementAndGet() == STREAMS) {
            round.complete(null);
        }
    }

    /** One round: {@value #STREAMS} streams written and flushed together, then all their ends awaited. */
    @Benchmark
    @OperationsPerInvocation(STREAMS)
    public void streams() throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ended.set(0);
        round = done;
        client.eventLoop().execute(() -> {
            ChannelHandlerContext ctx = client.pipeline().firstContext();
            for (int i = 0; i < STREAMS; i++) {
                clientCodec.encoder().writeHeaders(ctx, nextStreamId, request, 0, true, ctx.newPromise());
                nextStreamId += 2;
            }
            ctx.flush();
        });
        done.get(30, TimeUnit.SECONDS);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (client != null) {
            client.close().sync();
        }
        if (proxy != null) {
            proxy.shutdownGracefully(Duration.ZERO);
        }
        if (backend != null) {
            backend.close().sync();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
}
