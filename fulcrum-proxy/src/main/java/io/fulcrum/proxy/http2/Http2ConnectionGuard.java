package io.fulcrum.proxy.http2;

import io.fulcrum.proxy.http.AbandonedStreamLog;
import io.fulcrum.proxy.http.HttpProxyHandler;
import io.fulcrum.proxy.http.ListenerSlot;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The connection-level duties of an HTTP/2 client connection: it counts the connection
 * against the listener's limit, closes it (GOAWAY first) after the listener's idle
 * timeout without any stream, and on graceful shutdown sends GOAWAY so the client opens
 * no new stream while those in flight finish. It also writes the summary of abandoned
 * streams' log lines ({@link AbandonedStreamLog}) at the end.
 */
final class Http2ConnectionGuard extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(Http2ConnectionGuard.class);

    private final ListenerSlot slot;
    private ChannelHandlerContext ctx;
    private boolean counted;
    private int openStreams;
    private long idleSinceNanos = System.nanoTime();
    private ScheduledFuture<?> idleTimer;

    /** The connection's bound on access-log lines for streams the client abandons. */
    private final AbandonedStreamLog abandonedStreams;

    Http2ConnectionGuard(ListenerSlot slot, AbandonedStreamLog abandonedStreams) {
        this.slot = slot;
        this.abandonedStreams = abandonedStreams;
    }

    AbandonedStreamLog abandonedStreamLog() {
        return abandonedStreams;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        // Added once the connection chose HTTP/2, so the connection is already active.
        if (!slot.tryOpen()) {
            LOG.debug("listener {} at its connection limit; closing {}", slot.runtime().name(), ctx.channel());
            ctx.channel().close();
            return;
        }
        counted = true;
        armIdle();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        uncount();
        abandonedStreams.connectionClosed(ctx.executor());
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        uncount();
    }

    private void uncount() {
        if (counted) {
            counted = false;
            slot.closed();
        }
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

    /** A client opened a stream (called on the connection's event loop). */
    void streamOpened() {
        openStreams++;
    }

    /** One of the client's streams closed. */
    void streamClosed() {
        openStreams--;
        idleSinceNanos = System.nanoTime();
    }

    private void armIdle() {
        long idle = slot.runtime().idleNanos();
        if (idle > 0 && counted) {
            idleTimer = ctx.executor().schedule(this::checkIdle, idle, TimeUnit.NANOSECONDS);
        }
    }

    private void checkIdle() {
        idleTimer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        long idle = slot.runtime().idleNanos();
        if (idle <= 0) {
            return;
        }
        long now = System.nanoTime();
        if (openStreams == 0 && now - idleSinceNanos >= idle) {
            LOG.debug("HTTP/2 connection {} idle; closing", ctx.channel());
            ctx.channel().close(); // the codec sends GOAWAY first
            return;
        }
        long wait = openStreams == 0 ? idle - (now - idleSinceNanos) : idle;
        idleTimer = ctx.executor().schedule(this::checkIdle, Math.max(wait, 1_000_000), TimeUnit.NANOSECONDS);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == HttpProxyHandler.ShutdownEvent.INSTANCE) {
            // Close through the codec: GOAWAY now, the connection ends once its streams are done.
            ctx.channel().close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof Http2Exception) {
            // A stream error (the codec reset that stream; the others go on) or a connection error (the
            // codec sends GOAWAY with the error code and closes): nothing to add here.
            LOG.debug("HTTP/2 protocol error on {}: {}", ctx.channel(), cause.toString());
            return;
        }
        LOG.debug("HTTP/2 client connection {} failed: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
