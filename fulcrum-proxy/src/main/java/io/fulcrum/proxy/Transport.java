package io.fulcrum.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The socket transport: Linux native epoll when it loads, the JDK's NIO otherwise.
 *
 * @param name              {@code epoll} or {@code nio}
 * @param ioHandlerFactory  the event-loop I/O handler
 * @param serverChannelType listening socket class
 * @param clientChannelType connected socket class
 */
public record Transport(String name, IoHandlerFactory ioHandlerFactory,
                        Class<? extends ServerSocketChannel> serverChannelType,
                        Class<? extends SocketChannel> clientChannelType) {

    /** Epoll when available (and not disabled with {@code -Dfulcrum.transport=nio}), else NIO. */
    public static Transport best() {
        boolean wantNio = "nio".equalsIgnoreCase(System.getProperty("fulcrum.transport"));
        if (!wantNio && Epoll.isAvailable()) {
            return new Transport("epoll", new EpollKeepRegistered(EpollIoHandler.newFactory()), EpollServerSocketChannel.class,
                    EpollSocketChannel.class);
        }
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }

    /** A group of event loops; {@code threads <= 0} means one per core. */
    public EventLoopGroup newGroup(int threads, String namePrefix) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory(namePrefix, true), ioHandlerFactory);
    }
}
