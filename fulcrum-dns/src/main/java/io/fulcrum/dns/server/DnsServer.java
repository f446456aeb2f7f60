package io.fulcrum.dns.server;

import io.fulcrum.dns.DnsEngine;
import io.fulcrum.nativeio.ReservedCpus;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The DNS sockets: for every listen address, a TCP listener on Netty and UDP sockets, one per
 * thread, bound to the same port with SO_REUSEPORT (the kernel spreads datagrams over them).
 * On Linux the UDP sockets are the server's own ({@link BatchUdpSocket}: a thread each, batches
 * read with {@code recvmmsg} and answered with {@code sendmmsg}); where that is not available, or
 * with {@code -Dfulcrum.dns.udp=netty}, they are Netty's epoll channels, one per event loop; on NIO
 * a single Netty channel.
 */
public final class DnsServer implements AutoCloseable {

    /** TCP connections kept open at once; more are closed at accept. */
    static final int MAX_TCP_CONNECTIONS = 1024;
    /** Seconds a TCP connection may stay idle (RFC 7766 suggests seconds, not minutes). */
    static final int TCP_IDLE_SECONDS = 10;
    /**
     * Milliseconds one TCP message may take to arrive, from its first byte to its last (a
     * client on any real path sends a query in one or two round trips; Knot's tcp-io-timeout
     * is 500 ms).
     */
    static final long TCP_MESSAGE_MILLIS = 3000;
    /**
     * Largest UDP query answered; a longer one gets FORMERR. Each datagram is read into one
     * byte more than this, so that a longer one shows as such (the kernel cuts it silently).
     */
    static final int MAX_QUERY = 4096;
    /**
     * Datagrams read per recvmmsg call. Under load a larger batch means fewer system calls per
     * query (epoll_wait, recvmmsg, sendmmsg and Netty's getsockopt each happen once per batch):
     * 32 gave 10–15% more queries/s than 8 in an A/B with dnsperf; 64 gave no more. The read
     * buffer (128 KB) comes from the pooled allocator's arena rather than its thread cache.
     */
    static final int DATAGRAMS_PER_READ = 32;
    /**
     * The pooled allocator with thread caches: on an event loop a reply buffer then costs no
     * heap allocation at all (Netty 4.2's default adaptive allocator allocates per buffer).
     */
    public static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

    private final DnsEngine engine;
    private final List<InetSocketAddress> listen;
    private final int threads;
    private final boolean epoll;
    /** Whether the UDP sockets are {@link BatchUdpSocket}s rather than Netty channels. */
    private final boolean batchUdp;
    private final List<BatchUdpSocket> batchSockets = new ArrayList<>();
    private EventLoopGroup group;
    private final List<Channel> channels = new ArrayList<>();
    private final List<InetSocketAddress> bound = new ArrayList<>();
    private final AtomicInteger tcpConnections = new AtomicInteger();

    public DnsServer(DnsEngine engine, List<InetSocketAddress> listen, int threads) {
        this.engine = engine;
        this.listen = List.copyOf(listen);
        this.threads = Math.max(1, threads);
        this.epoll = Epoll.isAvailable() && !"nio".equalsIgnoreCase(System.getProperty("fulcrum.transport"));
        this.batchUdp = epoll && BatchUdpSocket.available()
                && !"netty".equalsIgnoreCase(System.getProperty("fulcrum.dns.udp"));
    }

    /** Binds every address; on failure closes what was bound. */
    public synchronized void start() throws IOException {
        group = new MultiThreadIoEventLoopGroup(threads, ReservedCpus.apart(new DefaultThreadFactory("fulcrum-dns", true)),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            for (InetSocketAddress address : listen) {
                bindUdpAndTcp(address);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void bindUdpAndTcp(InetSocketAddress address) throws IOException {
        // Port 0: the UDP socket picks the number and TCP may find it taken; then try another.
        int attempts = address.getPort() == 0 ? 10 : 1;
        for (int attempt = 1; ; attempt++) {
            int mark = channels.size();
            int batchMark = batchSockets.size();
            try {
                bindOnce(address);
                return;
            } catch (IOException e) {
                if (attempt >= attempts) {
                    throw e;
                }
                while (channels.size() > mark) {
                    channels.removeLast().close().awaitUninterruptibly();
                }
                while (batchSockets.size() > batchMark) {
                    batchSockets.removeLast().close();
                }
            }
        }
    }

    private void bindOnce(InetSocketAddress address) throws IOException {
        // UDP first: a port-0 address gets its number from the first UDP socket.
        InetSocketAddress actual;
        if (batchUdp) {
            actual = bindBatchUdp(address);
            for (int i = 1; i < threads; i++) {
                bindBatchUdp(actual);
            }
        } else {
            Channel first = bindUdp(address);
            actual = (InetSocketAddress) first.localAddress();
            int udpSockets = epoll ? threads : 1;
            for (int i = 1; i < udpSockets; i++) {
                bindUdp(actual);
            }
        }
        ServerBootstrap tcp = new ServerBootstrap()
                .group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, ALLOCATOR)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tcpConnections.incrementAndGet() > MAX_TCP_CONNECTIONS) {
                            tcpConnections.decrementAndGet();
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> tcpConnections.decrementAndGet());
                        ch.pipeline()
                                .addLast(new IdleStateHandler(0, 0, TCP_IDLE_SECONDS, TimeUnit.SECONDS))
                                .addLast(new TcpMessageDecoder(TCP_MESSAGE_MILLIS))
                                .addLast(new TcpQueryHandler(engine));
                    }
                });
        if (epoll) {
            tcp.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        Channel server = await(tcp.bind(actual), actual, "TCP");
        channels.add(server);
        bound.add(actual);
    }

    private InetSocketAddress bindBatchUdp(InetSocketAddress address) throws IOException {
        BatchUdpSocket s;
        try {
            s = BatchUdpSocket.open(engine, address, "fulcrum-dns-udp-" + (batchSockets.size() % threads));
        } catch (IOException e) {
            throw new IOException("cannot listen for DNS over UDP on " + address + ": " + e.getMessage(), e);
        }
        batchSockets.add(s);
        return s.localAddress();
    }

    private Channel bindUdp(InetSocketAddress address) throws IOException {
        Bootstrap b = new Bootstrap().group(group);
        if (epoll) {
            // An IPv4 address gets an IPv4 socket: a dual-stack one would send every reply
            // through the kernel's IPv6 path with mapped addresses, which costs more per packet.
            boolean v4 = address.getAddress() instanceof java.net.Inet4Address;
            b.channelFactory(() -> v4
                    ? new EpollDatagramChannel(io.netty.channel.socket.SocketProtocolFamily.INET)
                    : new EpollDatagramChannel());
        } else {
            b.channel(NioDatagramChannel.class);
        }
        b.option(ChannelOption.ALLOCATOR, ALLOCATOR)
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .option(ChannelOption.SO_SNDBUF, 4 << 20)
                .handler(new UdpQueryHandler(engine));
        if (epoll) {
            // recvmmsg: one read fills a buffer with up to 32 datagrams of at most 4 KB + 1 each
            // (a longer query is cut and gets FORMERR); sendmmsg happens on each batch flush.
            b.option(EpollChannelOption.SO_REUSEPORT, true)
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_QUERY + 1)
                    .option(ChannelOption.RECVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator((MAX_QUERY + 1) * DATAGRAMS_PER_READ));
        } else {
            b.option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_QUERY + 1));
        }
        Channel ch = await(b.bind(address), address, "UDP");
        channels.add(ch);
        return ch;
    }

    private static Channel await(io.netty.channel.ChannelFuture f, InetSocketAddress address, String what)
            throws IOException {
        f.awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new IOException("cannot listen for DNS over " + what + " on " + address + ": "
                    + f.cause().getMessage(), f.cause());
        }
        return f.channel();
    }

    /** The addresses bound (ports resolved), one per listen address. */
    public synchronized List<InetSocketAddress> boundAddresses() {
        return List.copyOf(bound);
    }

    public boolean nativeTransport() {
        return epoll;
    }

    /**
     * How UDP is served: {@code "recvmmsg"} (the server's own batch sockets), {@code "epoll"} or
     * {@code "nio"} (Netty's channels).
     */
    public String udpTransport() {
        return batchUdp ? "recvmmsg" : epoll ? "epoll" : "nio";
    }

    @Override
    public synchronized void close() {
        for (Channel c : channels) {
            c.close().awaitUninterruptibly();
        }
        channels.clear();
        for (BatchUdpSocket s : batchSockets) {
            s.close();
        }
        batchSockets.clear();
        bound.clear();
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            group = null;
        }
    }
}
