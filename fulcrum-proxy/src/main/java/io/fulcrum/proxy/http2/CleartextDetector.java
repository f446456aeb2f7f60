package io.fulcrum.proxy.http2;

import io.fulcrum.proxy.http.BackendConnectionPool;
import io.fulcrum.proxy.http.HttpProxyHandler;
import io.fulcrum.proxy.http.ListenerSlot;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of a connection to a plain listener that accepts h2c: it looks at the
 * first bytes and installs HTTP/2 when they are the HTTP/2 connection preface (prior
 * knowledge), else the HTTP/1.1 pipeline with the {@code Upgrade: h2c} handler in front of
 * the request handling; then it steps aside and passes on what it read. A connection
 * that sends nothing is closed after the listener's idle (or header-read) timeout.
 */
final class CleartextDetector extends ByteToMessageDecoder {

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final ListenerSlot slot;
    private final BackendConnectionPool backendPool;
    private ScheduledFuture<?> timer;

    CleartextDetector(ListenerSlot slot, BackendConnectionPool backendPool) {
        this.slot = slot;
        this.backendPool = backendPool;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        long idle = slot.runtime().idleNanos();
        long header = slot.runtime().headerReadNanos();
        long wait = idle > 0 && header > 0 ? Math.min(idle, header) : Math.max(idle, header);
        if (wait > 0) {
            timer = ctx.executor().schedule(() -> {
                if (!ctx.isRemoved()) {
                    ctx.close();
                }
            }, wait, TimeUnit.NANOSECONDS);
        }
        // Not passed on: the pipeline chosen later gets its own channelActive.
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != PREFACE.getByte(i)) {
                http1(ctx);
                return;
            }
        }
        if (n == PREFACE.readableBytes()) {
            cancelTimer();
            Http2Pipelines.installServer(ctx.pipeline(), slot, backendPool);
            ctx.pipeline().remove(this); // hands the preface and anything after it to the codec
        }
    }

    private void http1(ChannelHandlerContext ctx) {
        cancelTimer();
        HttpProxyHandler.install(ctx.channel(), slot, backendPool);
        H2cUpgrade.install(ctx.pipeline(), slot, backendPool);
        ctx.fireChannelActive();
        ctx.pipeline().remove(this);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelTimer();
    }
}
