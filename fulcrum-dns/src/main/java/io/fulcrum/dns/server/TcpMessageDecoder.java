package io.fulcrum.dns.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.Future;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Splits a DNS-over-TCP stream into its messages (each behind a two-byte length, RFC 1035
 * 4.2.2) and gives every message a deadline from its first byte: a connection whose message
 * has not arrived whole by then is closed. An idle timer alone restarts on every byte, so a
 * client sending one byte every few seconds would hold its connection slot for ever.
 */
final class TcpMessageDecoder extends ByteToMessageDecoder {

    private final long deadlineMillis;
    /** The deadline of the message that has begun to arrive, or {@code null} between messages. */
    private Future<?> deadline;

    /** @param deadlineMillis how long one message may take to arrive, from its first byte */
    TcpMessageDecoder(long deadlineMillis) {
        this.deadlineMillis = deadlineMillis;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int readable = in.readableBytes();
        if (readable >= 2 && readable >= 2 + in.getUnsignedShort(in.readerIndex())) {
            int length = in.readUnsignedShort();
            out.add(in.readRetainedSlice(length));
            cancelDeadline();
        } else if (readable > 0 && deadline == null) {
            // The first bytes of a message: it has until the deadline to arrive whole.
            deadline = ctx.executor().schedule(() -> {
                deadline = null;
                ctx.close();
            }, deadlineMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelDeadline();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        super.channelInactive(ctx); // decodes what is left, which may start a deadline
        cancelDeadline();
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
