package io.fulcrum.proxy.log;

import io.fulcrum.core.config.SyslogConfig;
import io.fulcrum.nativeio.ReservedCpus;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends access-log lines to a syslog daemon, one RFC 5424 datagram each, over UDP or a Unix
 * datagram socket ({@code /dev/log}). Called by the access log's writer thread only; the socket
 * has an event loop of its own. It never waits: a message that finds the socket's outbound
 * buffer full, or no socket (the daemon is not there: it is tried again every few seconds), is
 * dropped and counted.
 */
final class SyslogSender implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SyslogSender.class);
    /** How long after a failed connect the next is tried. */
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final SocketAddress target;
    private final boolean unix;
    private final SyslogMessage framing;
    private final EventLoopGroup group;
    private final LongAdder dropped;
    private Channel channel;
    private long nextTryNanos;
    private boolean warned;

    /**
     * @param dropped where lost messages are counted (the access log's own counter)
     * @throws IllegalArgumentException when the address is not {@code udp://host[:port]} or {@code unix:path}
     */
    SyslogSender(SyslogConfig config, LongAdder dropped) {
        this.unix = config.address().startsWith("unix:");
        this.target = parseAddress(config.address());
        if (unix && !Epoll.isAvailable()) {
            throw new IllegalArgumentException("a Unix datagram socket needs the epoll transport (Linux): "
                    + Epoll.unavailabilityCause());
        }
        this.dropped = dropped;
        this.framing = new SyslogMessage(config, config.hostname() != null ? config.hostname() : localHostName(),
                ProcessHandle.current().pid());
        this.group = new MultiThreadIoEventLoopGroup(1, ReservedCpus.apart(new DefaultThreadFactory("fulcrum-syslog", true)),
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /**
     * {@code udp://host:port} (514 when left out) or {@code unix:/path}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static SocketAddress parseAddress(String address) {
        if (address.startsWith("unix:")) {
            String path = address.substring("unix:".length());
            if (path.startsWith("//")) {
                path = path.substring(2);
            }
            if (path.isEmpty()) {
                throw new IllegalArgumentException("unix: needs a socket path, e.g. unix:/dev/log");
            }
            return new DomainSocketAddress(path);
        }
        if (address.startsWith("udp://")) {
            URI uri = URI.create(address);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("udp:// needs a host, e.g. udp://127.0.0.1:514");
            }
            String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                    : uri.getHost();
            return InetSocketAddress.createUnresolved(host, uri.getPort() < 0 ? 514 : uri.getPort());
        }
        throw new IllegalArgumentException("write udp://host:port or unix:/path (got \"" + address + "\")");
    }

    /** Sends one message; never blocks on the network. */
    void send(long epochMillis, CharSequence message) {
        Channel ch = channel();
        if (ch == null || !ch.isWritable()) {
            dropped.increment();
            return;
        }
        ch.writeAndFlush(Unpooled.wrappedBuffer(framing.encode(epochMillis, message)), ch.voidPromise());
    }

    /** The connected socket, (re)opened when there is none and the last try is long enough ago; or null. */
    private Channel channel() {
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            return ch;
        }
        channel = null;
        long now = System.nanoTime();
        if (now - nextTryNanos < 0) {
            return null;
        }
        nextTryNanos = now + RETRY_NANOS;
        try {
            SocketAddress to = target instanceof InetSocketAddress isa && isa.isUnresolved()
                    ? new InetSocketAddress(InetAddress.getByName(isa.getHostString()), isa.getPort()) : target;
            Bootstrap b = new Bootstrap().group(group).handler(new ChannelInboundHandlerAdapter());
            b.channel(unix ? EpollDomainDatagramChannel.class
                    : Epoll.isAvailable() ? EpollDatagramChannel.class : NioDatagramChannel.class);
            ChannelFuture f = b.connect(to).awaitUninterruptibly();
            if (!f.isSuccess()) {
                throw f.cause();
            }
            channel = f.channel();
            if (warned) {
                LOG.info("syslog {} reachable again", target);
                warned = false;
            }
            return channel;
        } catch (Throwable e) {
            if (!warned) {
                LOG.warn("syslog {} cannot be reached ({}); access-log records are dropped until it can",
                        target, e.toString());
                warned = true;
            }
            return null;
        }
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public void close() {
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
