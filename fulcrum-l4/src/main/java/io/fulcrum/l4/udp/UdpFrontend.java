package io.fulcrum.l4.udp;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.balance.PickContext;
import io.fulcrum.l4.service.FlowTimeouts;
import io.fulcrum.l4.service.L4ListenerRuntime;
import io.fulcrum.l4.table.ConnectionTable;
import io.fulcrum.l4.table.FlowEntry;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The UDP side of one (VIP, port): each client address and port gets a session, a
 * connected socket to the backend chosen for it, kept until no datagram went either way
 * for the session timeout. Replies are sent back from the VIP socket, so the client sees
 * the address it talked to. Sessions live on the VIP socket's event loop only.
 */
public final class UdpFrontend extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(UdpFrontend.class);
    /** Datagrams held per session while its backend socket is still being set up. */
    private static final int MAX_EARLY_DATAGRAMS = 64;
    /** Sessions per VIP socket: each holds a socket, so a flood of (spoofed) sources must not exhaust them. */
    static final int MAX_SESSIONS = 65_536;

    private final Supplier<L4ListenerRuntime> runtime;
    private final ConnectionTable table;
    private final Class<? extends DatagramChannel> channelType;
    private final String vip;
    private final Map<InetSocketAddress, Session> sessions = new HashMap<>();
    private Channel vipChannel;
    private boolean repliesPending;

    /**
     * @param runtime     the listener's current runtime (read for each new session)
     * @param channelType datagram socket class of the transport in use
     * @param vip         the VIP this socket is bound to, as configured
     */
    public UdpFrontend(Supplier<L4ListenerRuntime> runtime, ConnectionTable table,
                       Class<? extends DatagramChannel> channelType, String vip) {
        this.runtime = runtime;
        this.table = table;
        this.channelType = channelType;
        this.vip = vip;
    }

    /** Live sessions (for tests and reports; call on the loop or accept a racy number). */
    public int sessions() {
        return sessions.size();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        vipChannel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        InetSocketAddress sender = packet.sender();
        Session s = sessions.get(sender);
        if (s == null) {
            if (sessions.size() >= MAX_SESSIONS) {
                packet.release(); // full: new clients wait for idle sessions to expire
                return;
            }
            s = open(ctx, sender);
            if (s == null) {
                packet.release();
                return;
            }
        }
        ByteBuf data = packet.content();
        s.entry.lastNanos = System.nanoTime();
        s.entry.received(data.readableBytes());
        s.send(data.retain());
        packet.release();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        for (Session s : sessions.values()) {
            if (s.dirty) {
                s.dirty = false;
                if (s.channel != null) {
                    s.channel.flush();
                }
            }
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (Session s : sessions.values().toArray(Session[]::new)) {
            s.close("the VIP socket closed");
        }
        ctx.fireChannelInactive();
    }

    private Session open(ChannelHandlerContext ctx, InetSocketAddress sender) {
        L4ListenerRuntime rt = runtime.get();
        FlowTimeouts t = rt.timeoutsFor(vip);
        long now = System.nanoTime();
        Session s = new Session(sender, rt);
        s.entry = new FlowEntry(rt.service(), vip, rt.config().port(), "udp", sender, now, t.udpSessionNanos(),
                t.udpSessionNanos(), t.udpSessionNanos(), s);
        s.pickNanos = now;
        Backend b = rt.balancer().pick(s);
        if (b == null) {
            LOG.debug("{} udp/{}: no backend for {}", rt.service(), rt.config().port(), sender);
            return null;
        }
        table.add(ctx.channel().eventLoop(), s.entry);
        s.entry.assign(b, rt.counters().get(b));
        sessions.put(sender, s);
        Bootstrap bs = new Bootstrap().group(ctx.channel().eventLoop()).channel(channelType).handler(s);
        bs.connect(b.socketAddress()).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                s.connected(f.channel());
            } else {
                LOG.debug("{} udp/{}: cannot open a socket to {}: {}", rt.service(), rt.config().port(),
                        b.address(), f.cause().toString());
                s.close("socket to backend failed");
            }
        });
        return s;
    }

    private void flushReplies() {
        if (repliesPending) {
            repliesPending = false;
            vipChannel.flush();
        }
    }

    /** One client's session: its backend socket and table entry. */
    private final class Session extends ChannelInboundHandlerAdapter implements PickContext, FlowEntry.Expiry {
        final InetSocketAddress client;
        final L4ListenerRuntime rt;
        FlowEntry entry;
        Channel channel;
        ArrayDeque<ByteBuf> early;
        boolean dirty;
        boolean closed;
        long pickNanos;
        private byte[] key;

        Session(InetSocketAddress client, L4ListenerRuntime rt) {
            this.client = client;
            this.rt = rt;
        }

        @Override
        public boolean isSharable() {
            return true;
        }

        void send(ByteBuf data) {
            if (closed) {
                data.release();
            } else if (channel != null) {
                channel.write(data, channel.voidPromise());
                dirty = true;
            } else {
                if (early == null) {
                    early = new ArrayDeque<>(4);
                }
                if (early.size() < MAX_EARLY_DATAGRAMS) {
                    early.add(data);
                } else {
                    data.release();
                }
            }
        }

        void connected(Channel ch) {
            if (closed) {
                ch.close();
                return;
            }
            channel = ch;
            if (early != null) {
                ByteBuf b;
                while ((b = early.poll()) != null) {
                    ch.write(b, ch.voidPromise());
                }
                early = null;
            }
            ch.flush();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf data = msg instanceof DatagramPacket p ? p.content() : msg instanceof ByteBuf b ? b : null;
            if (data == null || closed || !vipChannel.isActive()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            entry.lastNanos = System.nanoTime();
            entry.sent(data.readableBytes());
            vipChannel.write(new DatagramPacket(data.retain(), client), vipChannel.voidPromise());
            ReferenceCountUtil.release(msg);
            repliesPending = true;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            flushReplies();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // An ICMP port unreachable from the backend, typically: the session stays until it times out.
            LOG.debug("{} udp/{}: session {}: {}", rt.service(), rt.config().port(), client, cause.toString());
        }

        @Override
        public void expire(FlowEntry e, String reason) {
            close(reason);
        }

        void close(String reason) {
            if (closed) {
                return;
            }
            closed = true;
            if (early != null) {
                early.forEach(ByteBuf::release);
                early = null;
            }
            sessions.remove(client, this);
            table.remove(vipChannel.eventLoop(), entry);
            if (channel != null) {
                channel.close();
            }
        }

        @Override
        public byte[] clientAddress() {
            byte[] k = key;
            if (k == null) {
                // Address and port: sessions of one host spread too (the hash option keys on both).
                byte[] ip = client.getAddress().getAddress();
                k = java.util.Arrays.copyOf(ip, ip.length + 2);
                k[ip.length] = (byte) (client.getPort() >>> 8);
                k[ip.length + 1] = (byte) client.getPort();
                key = k;
            }
            return k;
        }

        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public String cookie(String name) {
            return null;
        }

        @Override
        public long nowNanos() {
            return pickNanos;
        }
    }
}
