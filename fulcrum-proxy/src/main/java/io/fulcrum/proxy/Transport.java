package io.fulcrum.proxy;

import io.fulcrum.nativeio.ReservedCpus;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket transport: Linux native epoll when it loads, the JDK's NIO otherwise; Linux
 * io_uring for the HTTP proxy when the configuration asks for it ({@code server.transport}).
 *
 * <p>Why io_uring is a choice and not the default: on the HTTP benchmark it gave a lower,
 * steadier p99 than epoll at the same or a higher rate (docs/benchmarks.md), but it needs a
 * kernel with io_uring enabled ({@code kernel.io_uring_disabled} is often set on hardened
 * hosts and container runtimes filter it), and the L4 relay and DNS server are built on
 * epoll. See docs/design/transports.md.
 *
 * <p>An epoll transport can make its loops look for ready sockets a few more times before they
 * sleep ({@code server.idleSpinPolls}, {@link SpinThenSleep}).
 *
 * @param name              {@code epoll}, {@code io_uring} or {@code nio}
 * @param ioHandlerFactory  the event-loop I/O handler
 * @param serverChannelType listening socket class
 * @param clientChannelType connected socket class
 */
public record Transport(String name, IoHandlerFactory ioHandlerFactory,
                        Class<? extends ServerSocketChannel> serverChannelType,
                        Class<? extends SocketChannel> clientChannelType) {

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    /**
     * The transport for the HTTP proxy, from {@code server.transport}: {@code auto} (the
     * {@code fulcrum.transport} system property when set, else {@link #best(int)}), {@code epoll},
     * {@code io_uring} or {@code nio}. A native transport that does not load here falls back to
     * {@link #best(int)} with a warning that says why, so a file written for one host still
     * starts on another.
     *
     * @param idleSpinPolls {@code server.idleSpinPolls} for an epoll transport (see
     *                      {@link SpinThenSleep}); io_uring and NIO loops ignore it
     */
    public static Transport forHttp(String configured, int idleSpinPolls) {
        String wanted = "auto".equals(configured) ? System.getProperty("fulcrum.transport", "auto") : configured;
        switch (wanted) {
            case "io_uring" -> {
                if (IoUring.isAvailable()) {
                    return new Transport("io_uring", IoUringIoHandler.newFactory(),
                            IoUringServerSocketChannel.class, IoUringSocketChannel.class);
                }
                Transport fallback = best(idleSpinPolls);
                LOG.warn("server.transport io_uring is not available here ({}); using {}",
                        IoUring.unavailabilityCause(), fallback.name());
                return fallback;
            }
            case "epoll" -> {
                if (!Epoll.isAvailable()) {
                    LOG.warn("server.transport epoll is not available here ({}); using nio",
                            Epoll.unavailabilityCause());
                }
            }
            case "nio" -> {
                return nio();
            }
            default -> {
                // auto
            }
        }
        return best(idleSpinPolls);
    }

    /**
     * Epoll when available (and not disabled with {@code -Dfulcrum.transport=nio}), else NIO.
     *
     * @param idleSpinPolls non-blocking polls an epoll loop makes before it sleeps ({@link SpinThenSleep});
     *                      0 sleeps at once
     */
    public static Transport best(int idleSpinPolls) {
        boolean wantNio = "nio".equalsIgnoreCase(System.getProperty("fulcrum.transport"));
        if (!wantNio && Epoll.isAvailable()) {
            SelectStrategyFactory wait = idleSpinPolls > 0 ? () -> new SpinThenSleep(idleSpinPolls)
                    : DefaultSelectStrategyFactory.INSTANCE;
            return new Transport("epoll", new EpollKeepRegistered(EpollIoHandler.newFactory(0, wait)), EpollServerSocketChannel.class,
                    EpollSocketChannel.class);
        }
        return nio();
    }

    private static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }

    /** A group of event loops; {@code threads <= 0} means one per core. */
    public EventLoopGroup newGroup(int threads, String namePrefix) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return new MultiThreadIoEventLoopGroup(n, ReservedCpus.apart(new DefaultThreadFactory(namePrefix, true)), ioHandlerFactory);
    }
}
