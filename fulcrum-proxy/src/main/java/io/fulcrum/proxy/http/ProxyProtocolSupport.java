package io.fulcrum.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * PROXY protocol (v1, v2) for the HTTP proxy, through Netty's codec-haproxy: accepted from
 * clients on listeners that ask for it, and sent to backends of pools that ask for it.
 *
 * <p>A backend connection that carried a PROXY header speaks for one client only, so it is
 * reused for that client's later requests and never handed to another client.
 */
final class ProxyProtocolSupport {

    private ProxyProtocolSupport() {
    }

    /** Puts the header decoder first in a client pipeline (before TLS) and hands the address to the handler. */
    static void accept(Channel ch, HttpProxyHandler handler) {
        ch.pipeline().addFirst("proxy-protocol", new HAProxyMessageDecoder());
        ch.pipeline().addAfter("proxy-protocol", "proxy-protocol-client", new Acceptor(handler));
    }

    /**
     * Writes the client's header as the first bytes of a new backend connection as soon as it is
     * connected: a listener on the connect future, added before the request's own.
     */
    static void sendWhenConnected(ChannelFuture connect, String version, HttpProxyHandler client) {
        HAProxyProtocolVersion v = "v1".equals(version) ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2;
        connect.addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                send(f.channel(), v, client);
            }
        });
    }

    /** The most recently used idle connection opened for {@code client}, or null; others stay in the queue. */
    static BackendConnection takePrivate(ArrayDeque<BackendConnection> q, HttpProxyHandler client) {
        Iterator<BackendConnection> it = q.descendingIterator();
        while (it.hasNext()) {
            BackendConnection c = it.next();
            if (c.proxiedFor == client) {
                it.remove();
                c.idle = false;
                if (c.channel.isActive()) {
                    return c;
                }
            }
        }
        return null;
    }

    /** Reads the decoded header: the client address it names replaces the TCP peer's. */
    private static final class Acceptor extends ChannelInboundHandlerAdapter {
        private final HttpProxyHandler handler;

        Acceptor(HttpProxyHandler handler) {
            this.handler = handler;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HAProxyMessage m) {
                try {
                    if (m.command() == HAProxyCommand.PROXY && m.sourceAddress() != null) {
                        handler.proxiedClient(new InetSocketAddress(
                                NetUtil.createInetAddressFromIpAddressString(m.sourceAddress()), m.sourcePort()));
                    }
                } finally {
                    ReferenceCountUtil.release(m);
                }
                ctx.pipeline().remove(this);
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }

    private static void send(Channel ch, HAProxyProtocolVersion version, HttpProxyHandler client) {
        InetSocketAddress src = client.remote;
        InetSocketAddress dst = (InetSocketAddress) client.channel.localAddress();
        boolean v4 = src.getAddress() instanceof Inet4Address && dst.getAddress() instanceof Inet4Address;
        HAProxyMessage m = new HAProxyMessage(version, HAProxyCommand.PROXY,
                v4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6, address(src, v4), address(dst, v4),
                src.getPort(), dst.getPort());
        ch.pipeline().addFirst("proxy-protocol-encoder", HAProxyMessageEncoder.INSTANCE);
        try {
            // In front of TLS the header is written below the TLS handler: it is plain bytes on the wire.
            ChannelHandlerContext tls = ch.pipeline().context("tls");
            if (tls != null) {
                tls.writeAndFlush(m, tls.voidPromise());
            } else {
                ch.writeAndFlush(m, ch.voidPromise());
            }
        } finally {
            ch.pipeline().remove("proxy-protocol-encoder");
        }
    }

    private static String address(InetSocketAddress a, boolean v4) {
        String s = a.getAddress().getHostAddress();
        if (!v4 && a.getAddress() instanceof Inet4Address) {
            return "::ffff:" + s;
        }
        int zone = s.indexOf('%');
        return zone < 0 ? s : s.substring(0, zone);
    }
}
