package io.fulcrum.l4.tcp;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.l4.proxyprotocol.ProxyHeaders;
import io.fulcrum.l4.service.FlowTimeouts;
import io.fulcrum.l4.service.L4ListenerRuntime;
import io.fulcrum.l4.table.ConnectionTable;
import io.fulcrum.l4.table.FlowEntry;
import io.fulcrum.proxy.tls.TlsPipeline;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * One proxied TCP connection: client side, backend side and its connection-table entry.
 *
 * <p>Order of events: the client is accepted with reading off; the backend is picked and
 * connected at once (after the PROXY header when the listener accepts one), failing over to
 * another backend on a connect error or timeout, which is safe because nothing has been
 * relayed yet. Bytes a TLS handshake or PROXY decoder already delivered wait in a small
 * queue. Once connected, each side's reads are written to the other without copying and
 * flushed once per read batch; a side stops reading while the other is not writable
 * (autoRead backpressure). A FIN is passed on as a shutdown of the other side's output
 * after what precedes it is written, while the other direction goes on; when both
 * directions ended, or a side closed or failed, or the table expired the entry, both close.
 */
public final class TcpFlow extends ConnectAttempts implements FlowEntry.Expiry {

    private static final Logger LOG = LoggerFactory.getLogger(TcpFlow.class);

    private final L4ListenerRuntime rt;
    private final FlowTimeouts timeouts;
    private final ConnectionTable table;
    private final ChannelFactory<? extends SocketChannel> channelType;
    private final SocketChannel client;
    private final FlowEntry entry;
    private final ClientSide clientSide = new ClientSide();
    private final BackendSide backendSide = new BackendSide();
    private InetSocketAddress source;
    private InetSocketAddress destination;
    private Channel backend;
    private ArrayDeque<Object> pending;
    private boolean relaying;
    private boolean clientEof;
    private boolean backendEof;
    private boolean closing;
    private boolean connectStarted;
    /** Relayed by splice(2) from now on. */
    private boolean spliced;
    /** False until the client's TLS handshake is done (writes before it would bypass TLS). */
    private boolean clientReady;

    /** Sets up a flow for a just-accepted client; call from the channel initializer. */
    /**
     * @param vip the configured VIP the client reached (its listener binding's address)
     */
    public static void install(SocketChannel client, String vip, L4ListenerRuntime rt, ConnectionTable table,
                               ChannelFactory<? extends SocketChannel> channelType) {
        new TcpFlow(client, vip, rt, table, channelType);
    }

    private TcpFlow(SocketChannel client, String vip, L4ListenerRuntime rt, ConnectionTable table,
                    ChannelFactory<? extends SocketChannel> channelType) {
        this.rt = rt;
        this.table = table;
        this.channelType = channelType;
        this.client = client;
        InetSocketAddress local = client.localAddress();
        InetSocketAddress remote = client.remoteAddress();
        this.source = remote;
        this.destination = local;
        this.timeouts = rt.timeoutsFor(vip);
        long now = System.nanoTime();
        this.entry = new FlowEntry(rt.service(), vip, rt.config().port(), "tcp", remote, now, timeouts.finNanos(),
                timeouts.idleNanos(), timeouts.staleNanos(), this);
        this.clientReady = rt.tls() == null;
        if (rt.config().acceptProxyProtocol()) {
            ProxyHeaders.acceptOn(client);
        }
        if (rt.tls() != null) {
            TlsPipeline.install(client, rt.tls());
        }
        client.pipeline().addLast("l4-client", clientSide);
    }

    // ---- backend selection and connect --------------------------------------------------------

    private void connect() {
        if (closing) {
            return;
        }
        connectStarted = true;
        Backend b = pickBackend(rt);
        if (b == null) {
            LOG.debug("{} {}: no backend can take {}", rt.service(), rt.config().key(), this);
            closeBoth(false);
            return;
        }
        // A bare channel rather than a Bootstrap: no option maps to build and copy per connection.
        SocketChannel ch = channelType.newChannel();
        ch.config().setConnectTimeoutMillis(timeouts.connectMillis());
        ch.config().setAutoRead(false);
        ch.config().setOption(ChannelOption.TCP_NODELAY, true);
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        ch.pipeline().addLast("l4-backend", backendSide);
        client.eventLoop().register(ch).addListener((ChannelFutureListener) r -> {
            if (!r.isSuccess()) {
                ch.unsafe().closeForcibly();
                connected(r, b);
                return;
            }
            ch.connect(b.socketAddress()).addListener((ChannelFutureListener) f -> connected(f, b));
        });
    }

    private void connected(ChannelFuture f, Backend b) {
        if (!f.isSuccess()) {
            f.channel().close(); // a failed connect leaves its socket open (Bootstrap would close it on failure)
            boolean retry = retryAfterFailedConnect(rt, b);
            LOG.debug("{} {}: connect to {} failed: {}", rt.service(), rt.config().key(), b.address(),
                    f.cause().toString());
            if (retry && !closing && client.isActive()) {
                connect();
            } else {
                closeBoth(false);
            }
            return;
        }
        Channel ch = f.channel();
        if (closing || !client.isActive()) {
            ch.close();
            return;
        }
        backend = ch;
        b.recordSuccess();
        entry.assign(b, rt.counters().get(b));
        ch.closeFuture().addListener(x -> sideClosed());
        if (rt.sendProxy() != null) {
            ProxyHeaders.send(ch, rt.sendProxy(), source, destination);
        }
        if (rt.backendTls() != null) {
            SslHandler ssl = rt.backendTls().newHandler(ch.alloc(), b, rt.pool().connectTimeout().toMillis());
            ch.pipeline().addFirst("tls", ssl);
        }
        if (clientReady) {
            startRelay();
        }
    }

    /** Both ends are ready (backend connected, client TLS handshake done): bytes start to flow. */
    private void startRelay() {
        Channel ch = backend;
        relaying = true;
        if (pending != null) {
            Object m;
            while ((m = pending.poll()) != null) {
                entry.received(m instanceof ByteBuf buf ? buf.readableBytes() : 0);
                ch.write(m, ch.voidPromise());
            }
            pending = null;
        }
        if (spliceable(ch)) {
            // What was queued goes out first; then the kernel moves the bytes (no copy into the JVM).
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess() && !closing && !clientEof) {
                    spliced = true;
                    Splice.start((AbstractEpollStreamChannel) client, (AbstractEpollStreamChannel) ch, entry);
                } else if (!closing) {
                    ch.config().setAutoRead(client.isWritable()); // the client already sent its FIN: plain relay
                }
            });
            if (clientEof) {
                shutdownOutputAfterFlush(ch);
            }
            return;
        }
        ch.flush();
        if (clientEof) {
            shutdownOutputAfterFlush(ch);
        }
        if (!clientEof) {
            client.config().setAutoRead(ch.isWritable());
        }
        ch.config().setAutoRead(client.isWritable());
    }

    /** Whether this flow may be relayed with splice(2): asked for, epoll on both sides, no TLS either way. */
    private boolean spliceable(Channel ch) {
        return rt.config().splice() && rt.tls() == null && rt.backendTls() == null
                && client instanceof AbstractEpollStreamChannel && ch instanceof AbstractEpollStreamChannel;
    }

    @Override
    protected InetSocketAddress clientSource() {
        return source;
    }

    // ---- closing -----------------------------------------------------------------------------

    @Override
    public void expire(FlowEntry e, String reason) {
        LOG.debug("{} {}: {} closed by {}", rt.service(), rt.config().key(), entry, reason);
        closeBoth(false);
    }

    /** Writes out what is queued, then shuts the channel's output (a FIN), keeping its input open. */
    private static void shutdownOutputAfterFlush(Channel ch) {
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess() && ch.isActive()) {
                if (ch.pipeline().get(SslHandler.class) != null) {
                    ch.close(); // TLS has no half-close: close_notify and close
                } else {
                    ((DuplexChannel) ch).shutdownOutput();
                }
            }
        });
    }

    private void closeBoth(boolean graceful) {
        if (closing) {
            return;
        }
        closing = true;
        releasePending();
        close(client, graceful);
        if (backend != null) {
            close(backend, graceful);
        }
    }

    private static void close(Channel ch, boolean graceful) {
        if (graceful && ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            ch.close();
        }
    }

    private void sideClosed() {
        boolean clientGone = !client.isOpen();
        boolean backendGone = backend == null || !backend.isOpen();
        if (!clientGone || !backendGone) {
            // One side went away: the other first gets what was already read, then closes.
            closeBoth(true);
            return;
        }
        releasePending();
        table.remove(client.eventLoop(), entry);
    }

    private void releasePending() {
        if (pending != null) {
            Object m;
            while ((m = pending.poll()) != null) {
                ReferenceCountUtil.release(m);
            }
        }
    }

    private void bothEnded() {
        if (clientEof && backendEof) {
            closeBoth(true);
        }
    }

    // ---- handlers ----------------------------------------------------------------------------

    /** The client connection's end of the relay. */
    private final class ClientSide extends ChannelInboundHandlerAdapter {
        private boolean dirty;

        @Override
        public boolean isSharable() {
            return false;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            table.add(ctx.channel().eventLoop(), entry);
            ctx.channel().closeFuture().addListener(x -> sideClosed());
            if (rt.config().acceptProxyProtocol() || rt.tls() != null) {
                ctx.read(); // the decoder or the handshake reads on by itself until it is done
            }
            if (!rt.config().acceptProxyProtocol()) {
                connect();
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf) {
                if (relaying) {
                    entry.received(buf.readableBytes());
                    backend.write(buf, backend.voidPromise());
                    dirty = true;
                } else if (closing) {
                    buf.release();
                } else {
                    if (pending == null) {
                        pending = new ArrayDeque<>(4);
                    }
                    pending.add(buf);
                }
            } else if (msg instanceof HAProxyMessage proxy) {
                try {
                    InetSocketAddress s = ProxyHeaders.source(proxy);
                    InetSocketAddress d = ProxyHeaders.destination(proxy);
                    if (s != null) {
                        source = s;
                    }
                    if (d != null) {
                        destination = d;
                    }
                } finally {
                    proxy.release();
                }
                connect();
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            entry.lastNanos = System.nanoTime();
            if (dirty) {
                dirty = false;
                backend.flush();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                clientEof = true;
                entry.fin();
                entry.lastNanos = System.nanoTime();
                if (relaying && spliced) {
                    Splice.drain((AbstractEpollStreamChannel) client, backend);
                }
                if (relaying) {
                    shutdownOutputAfterFlush(backend);
                    bothEnded();
                } else if (!connectStarted) {
                    closeBoth(false); // EOF before a PROXY header: nothing to do
                }
                // Otherwise not connected yet: the FIN is passed on once it is.
                return;
            }
            if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess() && !clientReady) {
                clientReady = true;
                if (backend != null && !closing) {
                    startRelay();
                }
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (relaying && !backendEof) {
                backend.config().setAutoRead(ctx.channel().isWritable());
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("{} {}: client {}: {}", rt.service(), rt.config().key(), entry, cause.toString());
            ctx.close();
        }
    }

    /** The backend connection's end of the relay. */
    private final class BackendSide extends ChannelInboundHandlerAdapter {
        private boolean dirty;

        @Override
        public boolean isSharable() {
            return true; // one instance per flow, added to each backend channel the flow tries in turn
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf && relaying) {
                entry.sent(buf.readableBytes());
                client.write(buf, client.voidPromise());
                dirty = true;
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            entry.lastNanos = System.nanoTime();
            if (dirty) {
                dirty = false;
                client.flush();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (ctx.channel() != backend) {
                return; // an earlier attempt that failed (a refused connect also ends its input)
            }
            if (evt instanceof ChannelInputShutdownEvent) {
                backendEof = true;
                entry.fin();
                entry.lastNanos = System.nanoTime();
                if (spliced) {
                    Splice.drain((AbstractEpollStreamChannel) backend, client);
                }
                shutdownOutputAfterFlush(client);
                bothEnded();
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (relaying && !clientEof && ctx.channel() == backend) {
                client.config().setAutoRead(ctx.channel().isWritable());
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("{} {}: backend of {}: {}", rt.service(), rt.config().key(), entry, cause.toString());
            ctx.close();
        }
    }

    @Override
    public String toString() {
        return source + " -> " + destination;
    }
}
