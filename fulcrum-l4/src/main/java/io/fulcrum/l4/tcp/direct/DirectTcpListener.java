package io.fulcrum.l4.tcp.direct;

import io.fulcrum.l4.service.L4ListenerRuntime;
import io.fulcrum.l4.table.ConnectionTable;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.NativeInetAddress;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * A TCP virtual-service listener on the epoll transport, without a Netty server channel: its
 * socket is watched by one event loop, which accepts in batches and spreads the connections
 * over the group's loops in turn. A connection whose listener runtime allows it is relayed by
 * {@link DirectTcpFlow}; any other (TLS, PROXY protocol, splice) is handed to the channel
 * relay as a Netty channel.
 */
public final class DirectTcpListener implements EpollIoHandle {

    private static final Logger LOG = LoggerFactory.getLogger(DirectTcpListener.class);
    /** Connections accepted per readiness event before other sockets get their turn. */
    private static final int ACCEPTS_PER_EVENT = 64;

    /** Relays an accepted connection the direct relay does not handle. */
    @FunctionalInterface
    public interface ChannelRelay {
        /** Takes ownership of the connected descriptor {@code fd}; called on {@code loop}. */
        void start(IoEventLoop loop, int fd, L4ListenerRuntime rt);
    }

    private final IoEventLoop loop;
    private final List<IoEventLoop> loops;
    private final Socket socket;
    private final InetSocketAddress localAddress;
    private final Supplier<L4ListenerRuntime> runtime;
    private final String vip;
    private final ConnectionTable table;
    private final ChannelRelay channelRelay;
    /** Filled by accept: length, then the peer's address and port (Netty's native layout). */
    private final byte[] acceptedAddress = new byte[26];
    private IoRegistration registration;
    private int nextLoop;

    private DirectTcpListener(IoEventLoop loop, List<IoEventLoop> loops, Socket socket, Supplier<L4ListenerRuntime> runtime,
                              String vip, ConnectionTable table, ChannelRelay channelRelay) {
        this.loop = loop;
        this.loops = loops;
        this.socket = socket;
        this.localAddress = socket.localAddress();
        this.runtime = runtime;
        this.vip = vip;
        this.table = table;
        this.channelRelay = channelRelay;
    }

    /**
     * Binds {@code address} and starts accepting on the group's next loop.
     *
     * @param runtime the listener runtime new connections take (a reload swaps it)
     * @param vip     the VIP as configured, for the connection table and per-VIP timeouts
     */
    public static DirectTcpListener bind(EventLoopGroup group, InetSocketAddress address, int backlog,
                                         Supplier<L4ListenerRuntime> runtime, String vip, ConnectionTable table,
                                         ChannelRelay channelRelay) throws IOException {
        List<IoEventLoop> loops = new ArrayList<>();
        for (EventExecutor e : group) {
            loops.add((IoEventLoop) e);
        }
        IoEventLoop loop = (IoEventLoop) group.next();
        try {
            return loop.submit(() -> {
                LinuxSocket s = LinuxSocket.newSocketStream(address.getAddress() instanceof Inet6Address
                        ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET);
                try {
                    s.setReuseAddress(true);
                    s.setTcpNoDelay(true); // accepted sockets inherit it
                    s.bind(address);
                    s.listen(backlog);
                    DirectTcpListener l = new DirectTcpListener(loop, loops, s, runtime, vip, table, channelRelay);
                    var f = loop.register(l);
                    if (!f.isSuccess()) {
                        throw new IOException("cannot register with the event loop", f.cause());
                    }
                    l.registration = f.getNow();
                    l.registration.submit(EpollIoOps.EPOLLIN);
                    return l;
                } catch (IOException | RuntimeException e) {
                    s.close();
                    throw e;
                }
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding " + address, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException io ? io : new IOException(c.getMessage(), c);
        }
    }

    /** The bound address (port 0 resolved). */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** Stops accepting; open connections go on. Waits until the socket is closed. */
    public void stop() {
        if (loop.inEventLoop()) {
            close();
        } else {
            loop.submit(this::close).awaitUninterruptibly();
        }
    }

    @Override
    public FileDescriptor fd() {
        return socket;
    }

    @Override
    public void handle(IoRegistration reg, IoEvent ioEvent) {
        for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
            int fd;
            try {
                fd = socket.accept(acceptedAddress);
            } catch (IOException e) {
                // Out of descriptors or similar: the connection stays queued and is retried.
                LOG.warn("L4 {}: accept failed: {}", localAddress, e.toString());
                return;
            }
            if (fd < 0) {
                return; // nothing more to accept
            }
            InetSocketAddress remote = NativeInetAddress.address(acceptedAddress, 1, acceptedAddress[0]);
            L4ListenerRuntime rt = runtime.get();
            IoEventLoop target = loops.get(nextLoop);
            nextLoop = nextLoop + 1 == loops.size() ? 0 : nextLoop + 1;
            if (target == loop && DirectTcpFlow.eligible(rt)) {
                // The common case, without a detour through accepted(): the JIT then compiles the
                // flow's start once, on its own, rather than once more inlined into accepted().
                DirectTcpFlow.start(target, fd, remote, vip, rt, table);
            } else if (target == loop) {
                accepted(target, fd, remote, rt);
            } else {
                try {
                    target.execute(() -> accepted(target, fd, remote, rt));
                } catch (RejectedExecutionException e) {
                    closeQuietly(fd); // that loop is shutting down
                }
            }
        }
    }

    private void accepted(IoEventLoop target, int fd, InetSocketAddress remote, L4ListenerRuntime rt) {
        if (DirectTcpFlow.eligible(rt)) {
            DirectTcpFlow.start(target, fd, remote, vip, rt, table); // owns the descriptor now
            return;
        }
        try {
            channelRelay.start(target, fd, rt);
        } catch (RuntimeException e) {
            LOG.warn("L4 {}: cannot start relaying {}: {}", localAddress, remote, e.toString());
            closeQuietly(fd);
        }
    }

    private static void closeQuietly(int fd) {
        try {
            new FileDescriptor(fd).close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    @Override
    public void close() {
        if (!socket.isOpen()) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("L4 {}: close: {}", localAddress, e.toString());
        }
        IoRegistration r = registration;
        if (r != null) {
            registration = null;
            r.cancel();
        }
    }
}
