package io.fulcrum.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The raw byte relay between a client and a backend connection after a
 * {@code 101 Switching Protocols} (WebSocket or any other {@code Upgrade}), or after the
 * {@code 200} to a CONNECT (then the backend connection is plain TCP without a codec).
 *
 * <p>One handler per channel, both on the same event loop. What one side reads is
 * written to the other; reading from a side pauses while the other is not writable.
 * A half-close (end of input) on one side is passed on as a shutdown of the other's
 * output once everything before it is written; when both inputs ended, or either
 * connection closed or failed, or nothing was read for the idle timeout, both are
 * closed and the owner is told once both are gone.
 *
 * <p>Switching order: the HTTP codecs are removed while the relay handlers are
 * already in place, so bytes left in a decoder reach the relay; they are held until
 * {@link #start()} and then written after everything already queued (the 101 first).
 */
final class TunnelRelay {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelRelay.class);

    /** Told once when both connections of the tunnel are closed. */
    interface Owner {
        void tunnelClosed(TunnelRelay tunnel);
    }

    private final Owner owner;
    final Side client;
    final Side backend;
    private final long idleNanos;
    private long lastActivityNanos;
    private ScheduledFuture<?> timer;
    private boolean started;
    private boolean closing;
    private boolean ended;
    /** Why the tunnel ended early (idle timeout, an error), or null. */
    String error;

    TunnelRelay(Channel clientChannel, Channel backendChannel, long idleNanos, Owner owner) {
        this.owner = owner;
        this.idleNanos = idleNanos;
        this.client = new Side(clientChannel, "client");
        this.backend = new Side(backendChannel, "backend");
        client.peer = backend;
        backend.peer = client;
    }

    /**
     * Puts the relay handlers right after {@code codecName} in each pipeline and then removes the
     * HTTP handlers ({@code clientRemove} from the client's pipeline, {@code backendRemove} from the
     * backend's), so bytes a decoder still holds are passed on to the relay.
     */
    void install(String clientCodec, String[] clientRemove, String backendCodec, String[] backendRemove) {
        addAfter(client, clientCodec);
        addAfter(backend, backendCodec);
        remove(client.channel.pipeline(), clientRemove);
        remove(backend.channel.pipeline(), backendRemove);
    }

    private static void addAfter(Side side, String codec) {
        ChannelPipeline p = side.channel.pipeline();
        if (p.get(codec) != null) {
            p.addAfter(codec, "tunnel", side);
        } else {
            p.addFirst("tunnel", side);
        }
    }

    private static void remove(ChannelPipeline p, String[] names) {
        for (String n : names) {
            if (p.get(n) != null) {
                p.remove(n);
            }
        }
    }

    /**
     * Bytes the client sent before the relay was installed (after a CONNECT head, read while the
     * backend connection was opening): held ahead of anything read later and written at {@link #start()}.
     */
    void heldFromClient(ByteBuf bytes) {
        client.hold(bytes);
    }

    /** Starts relaying: held bytes are written, both sides read, the idle timer runs. */
    void start() {
        started = true;
        lastActivityNanos = System.nanoTime();
        for (Side s : new Side[] {client, backend}) {
            s.channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            s.channel.closeFuture().addListener(f -> sideClosed(s));
        }
        if (ended || closing) {
            return;
        }
        client.drainPending();
        backend.drainPending();
        client.channel.config().setAutoRead(backend.channel.isWritable());
        backend.channel.config().setAutoRead(client.channel.isWritable());
        if (idleNanos > 0) {
            timer = client.channel.eventLoop().schedule(this::onTimer, idleNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Bytes read from the client so far. */
    long bytesFromClient() {
        return client.bytesRead;
    }

    /** Bytes read from the backend so far. */
    long bytesFromBackend() {
        return backend.bytesRead;
    }

    private void onTimer() {
        timer = null;
        if (closing || ended) {
            return;
        }
        long now = System.nanoTime();
        long due = lastActivityNanos + idleNanos;
        if (now - due >= 0) {
            if (error == null) {
                error = "tunnel idle timeout";
            }
            closeBoth(false);
            return;
        }
        timer = client.channel.eventLoop().schedule(this::onTimer, due - now, TimeUnit.NANOSECONDS);
    }

    /**
     * Closes both connections.
     *
     * @param graceful write what is queued first (a normal end) rather than closing at once (an error)
     */
    void closeBoth(boolean graceful) {
        if (closing) {
            return;
        }
        closing = true;
        for (Side s : new Side[] {client, backend}) {
            s.releasePending();
            if (graceful && s.channel.isActive()) {
                s.channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            } else {
                s.channel.close();
            }
        }
    }

    /**
     * One connection failed: close it at once, but let the other side first receive what
     * was already read from the failed one (a reset after the last bytes must not lose them).
     */
    void closeAfterFailure(Side failed) {
        if (closing) {
            return;
        }
        closing = true;
        failed.releasePending();
        failed.channel.close();
        Side other = failed.peer;
        other.releasePending();
        if (other.channel.isActive()) {
            other.channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            other.channel.close();
        }
    }

    private void sideClosed(Side s) {
        s.closed = true;
        s.releasePending();
        if (!s.peer.closed) {
            closeBoth(true); // the other side gets what was already read from this one, then closes
            return;
        }
        if (!ended) {
            ended = true;
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            owner.tunnelClosed(this);
        }
    }

    /** The relay handler of one connection. */
    final class Side extends ChannelInboundHandlerAdapter {

        final Channel channel;
        private final String name;
        Side peer;
        private ChannelHandlerContext ctx;
        private ArrayDeque<ByteBuf> pending;
        long bytesRead;
        private boolean inputDone;
        boolean closed;

        Side(Channel channel, String name) {
            this.channel = channel;
            this.name = name;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf buf)) {
                // The decoder's end marker of the 101 and the like: nothing to relay.
                ReferenceCountUtil.release(msg);
                return;
            }
            if (closing || ended || !buf.isReadable()) {
                buf.release();
                return;
            }
            if (!started) {
                hold(buf); // left in a decoder at the switch: written once the relay starts
                return;
            }
            bytesRead += buf.readableBytes();
            lastActivityNanos = System.nanoTime();
            peer.ctx.write(buf, peer.ctx.voidPromise());
            if (!peer.channel.isWritable()) {
                channel.config().setAutoRead(false);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (started && !closing) {
                peer.ctx.flush();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (started && !closing && channel.isWritable() && !peer.inputDone) {
                peer.channel.config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                inputEnded();
                return;
            }
            if (evt instanceof ChannelInputShutdownReadComplete) {
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("tunnel {} connection {} failed: {}", name, channel, cause.toString());
            if (error == null) {
                error = "tunnel " + name + " connection failed: " + cause.getMessage();
            }
            closeAfterFailure(this);
        }

        /** This side's peer sent its last byte: pass the half-close on, or end when both are done. */
        private void inputEnded() {
            if (inputDone) {
                return;
            }
            inputDone = true;
            if (closing) {
                return;
            }
            if (peer.inputDone) {
                closeBoth(true);
                return;
            }
            Channel out = peer.channel;
            peer.ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
                if (!f.isSuccess()) {
                    closeBoth(false);
                } else if (out instanceof DuplexChannel d && !d.isOutputShutdown()) {
                    d.shutdownOutput().addListener(s -> {
                        if (!s.isSuccess()) {
                            closeBoth(false);
                        }
                    });
                } else if (!(out instanceof DuplexChannel)) {
                    closeBoth(true); // no half-close on this kind of channel: end the tunnel
                }
            });
        }

        private void hold(ByteBuf buf) {
            bytesRead += buf.readableBytes();
            if (pending == null) {
                pending = new ArrayDeque<>(2);
            }
            pending.add(buf);
        }

        private void drainPending() {
            ArrayDeque<ByteBuf> q = pending;
            pending = null;
            if (q == null) {
                return;
            }
            ByteBuf b;
            while ((b = q.poll()) != null) {
                peer.ctx.write(b, peer.ctx.voidPromise());
            }
            peer.ctx.flush();
        }

        private void releasePending() {
            ArrayDeque<ByteBuf> q = pending;
            pending = null;
            if (q != null) {
                ByteBuf b;
                while ((b = q.poll()) != null) {
                    b.release();
                }
            }
        }
    }
}
