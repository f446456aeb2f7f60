package io.fulcrum.dns.server;

import io.fulcrum.dns.DnsEngine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;

/**
 * Answers the queries of one TCP connection (RFC 7766), pipelined. A message that gets no
 * answer (a response, shorter than a header, or one that failed) ends the connection: the
 * client is not speaking DNS queries, and waiting would hold its slot until the idle timeout.
 */
final class TcpQueryHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(TcpQueryHandler.class);

    private final QueryProcessor processor;
    /** Set once the connection is being closed: messages still decoded are dropped. */
    private boolean closing;

    TcpQueryHandler(DnsEngine engine) {
        this.processor = new QueryProcessor(engine);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        if (closing) {
            frame.release();
            return;
        }
        ByteBuf reply = null;
        try {
            InetSocketAddress remote = ((SocketChannel) ctx.channel()).remoteAddress();
            reply = processor.answer(frame, remote == null ? null : remote.getAddress(), true, ctx.alloc());
        } catch (RuntimeException e) {
            LOG.debug("tcp query failed: {}", e.toString());
        } finally {
            frame.release();
        }
        if (reply != null) {
            ctx.write(reply, ctx.voidPromise());
        } else {
            // The replies to earlier messages go out first.
            closing = true;
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("dns tcp: {}", cause.toString());
        ctx.close();
    }
}
