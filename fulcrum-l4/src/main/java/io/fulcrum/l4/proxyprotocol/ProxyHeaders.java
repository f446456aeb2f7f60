package io.fulcrum.l4.proxyprotocol;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;

import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * PROXY protocol (v1 text, v2 binary) through Netty's codec-haproxy: the header Fulcrum
 * sends first on a backend connection, and the decoder put in front of a client
 * connection whose listener accepts it.
 */
public final class ProxyHeaders {

    /** Pipeline name of the decoder on accepting listeners. */
    public static final String DECODER = "proxy-protocol";

    private ProxyHeaders() {
    }

    /** Puts a v1/v2 detecting decoder first in a client pipeline; it removes itself after the header. */
    public static void acceptOn(Channel ch) {
        ch.pipeline().addFirst(DECODER, new HAProxyMessageDecoder());
    }

    /**
     * Writes (and flushes) the header for a flow from {@code source} to {@code destination} on a
     * freshly connected backend channel, before anything else. Must run on the channel's loop.
     */
    public static void send(Channel backend, HAProxyProtocolVersion version, InetSocketAddress source,
                            InetSocketAddress destination) {
        HAProxyMessage msg = message(version, source, destination);
        ChannelPipeline p = backend.pipeline();
        p.addFirst("proxy-protocol-encoder", HAProxyMessageEncoder.INSTANCE);
        try {
            backend.writeAndFlush(msg, backend.voidPromise());
        } finally {
            p.remove("proxy-protocol-encoder");
        }
    }

    /** The PROXY message for a TCP flow (TCP4 or TCP6; mixed families are sent as IPv6, mapped). */
    public static HAProxyMessage message(HAProxyProtocolVersion version, InetSocketAddress source,
                                         InetSocketAddress destination) {
        boolean v4 = source.getAddress() instanceof Inet4Address && destination.getAddress() instanceof Inet4Address;
        String src = source.getAddress().getHostAddress();
        String dst = destination.getAddress().getHostAddress();
        if (!v4) {
            src = v6(source);
            dst = v6(destination);
        }
        return new HAProxyMessage(version, HAProxyCommand.PROXY, v4 ? HAProxyProxiedProtocol.TCP4
                : HAProxyProxiedProtocol.TCP6, src, dst, source.getPort(), destination.getPort());
    }

    private static String v6(InetSocketAddress a) {
        if (a.getAddress() instanceof Inet4Address) {
            return "::ffff:" + a.getAddress().getHostAddress();
        }
        String s = a.getAddress().getHostAddress();
        int zone = s.indexOf('%');
        return zone < 0 ? s : s.substring(0, zone);
    }

    /** The client's address as a PROXY header gave it, or {@code null} when it carries none (LOCAL, UNKNOWN). */
    public static InetSocketAddress source(HAProxyMessage m) {
        if (m.command() != HAProxyCommand.PROXY || m.sourceAddress() == null) {
            return null;
        }
        return new InetSocketAddress(io.netty.util.NetUtil.createInetAddressFromIpAddressString(m.sourceAddress()),
                m.sourcePort());
    }

    /** The destination the client reached as a PROXY header gave it, or {@code null}. */
    public static InetSocketAddress destination(HAProxyMessage m) {
        if (m.command() != HAProxyCommand.PROXY || m.destinationAddress() == null) {
            return null;
        }
        return new InetSocketAddress(io.netty.util.NetUtil.createInetAddressFromIpAddressString(m.destinationAddress()),
                m.destinationPort());
    }
}
