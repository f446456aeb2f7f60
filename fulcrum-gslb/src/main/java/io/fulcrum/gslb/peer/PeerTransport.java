package io.fulcrum.gslb.peer;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.BiConsumer;

/**
 * The UDP socket of the site-state protocol: sends datagrams and hands every received one
 * (copied out of Netty's buffer, which is released here) to the receiver, on the GSLB
 * event loop.
 */
public final class PeerTransport implements AutoCloseable {

    private final Channel channel;

    private PeerTransport(Channel channel) {
        this.channel = channel;
    }

    /** Binds {@code address} (port 0 picks one) on the GSLB group. */
    public static PeerTransport bind(EventLoopGroup group, InetSocketAddress address,
                                     BiConsumer<byte[], InetSocketAddress> receiver) throws IOException {
        Bootstrap b = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        ByteBuf content = packet.content();
                        if (content.readableBytes() > WireCodec.MAX_DATAGRAM) {
                            receiver.accept(new byte[WireCodec.MAX_DATAGRAM + 1], packet.sender());
                            return;
                        }
                        byte[] bytes = new byte[content.readableBytes()];
                        content.getBytes(content.readerIndex(), bytes);
                        receiver.accept(bytes, packet.sender());
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        // An ICMP "port unreachable" surfaces here for a peer that is not listening; keep serving.
                    }
                });
        try {
            return new PeerTransport(b.bind(address).sync().channel());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding the site-state listener", e);
        } catch (Exception e) {
            throw new IOException("site-state listener cannot bind " + address + ": " + e.getMessage(), e);
        }
    }

    /** Sends one datagram (fire and forget: the protocol tolerates loss). */
    public void send(InetSocketAddress to, byte[] datagram) {
        channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(datagram), to), channel.voidPromise());
    }

    /** Where the socket is bound. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
