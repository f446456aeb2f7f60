package io.fulcrum.dns.server;

import io.fulcrum.dns.DnsEngine;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the datagrams of one UDP socket; replies are written as they are made and
 * flushed once per read batch.
 */
final class UdpQueryHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(UdpQueryHandler.class);

    private final QueryProcessor processor;

    UdpQueryHandler(DnsEngine engine) {
        this.processor = new QueryProcessor(engine);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        ByteBuf reply = null;
        try {
            reply = processor.answer(packet.content(), packet.sender().getAddress(), false, ctx.alloc());
        } catch (RuntimeException e) {
            LOG.debug("query from {} failed: {}", packet.sender(), e.toString());
        } finally {
            var sender = packet.sender();
            packet.release();
            if (reply != null) {
                ctx.write(new DatagramPacket(reply, sender), ctx.voidPromise());
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A UDP socket stays open whatever one peer did (e.g. ICMP port unreachable).
        LOG.debug("dns udp: {}", cause.toString());
    }
}
