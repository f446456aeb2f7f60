package io.fulcrum.admin.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Caps the admin server's open connections ({@code admin.maxConnections}). A connection
 * over the cap is answered {@code 503} at once (in clear text; a TLS one is just closed,
 * before its handshake) and closed, so that a crowd of idle or slow clients cannot hold
 * the server's memory, and a client that gives up frees its place at once.
 */
@ChannelHandler.Sharable
final class ConnectionLimit extends ChannelInboundHandlerAdapter {

    private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf("fulcrum.admin.refused");
    private static final String BODY = "{\"status\":503,\"error\":\"too many admin connections are open\"}";
    private static final byte[] REFUSAL = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            + "Connection: close\r\nContent-Length: " + BODY.length() + "\r\n\r\n" + BODY).getBytes(StandardCharsets.US_ASCII);

    private final AtomicInteger open = new AtomicInteger();
    private final IntSupplier max;
    private final boolean tls;

    ConnectionLimit(IntSupplier max, boolean tls) {
        this.max = max;
        this.tls = tls;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        int now = open.incrementAndGet();
        ctx.channel().closeFuture().addListener(f -> open.decrementAndGet());
        if (now > max.getAsInt()) {
            ctx.channel().attr(REFUSED).set(Boolean.TRUE);
            if (tls) {
                ctx.close();
            } else {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(REFUSAL)).addListener(ChannelFutureListener.CLOSE);
            }
            return; // the handlers behind never see this connection
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (Boolean.TRUE.equals(ctx.channel().attr(REFUSED).get())) {
            ReferenceCountUtil.release(msg);
            return;
        }
        super.channelRead(ctx, msg);
    }
}
