package io.fulcrum.gslb.check;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One check of one VIP, on the checker's event loop: {@code tcp} opens and closes a
 * connection; {@code http} sends a {@code GET} and passes on a 2xx status line.
 * The time runs from the connect to the end of the check.
 */
public final class VipProbe {

    /** Longest status line read before the check gives up on it. */
    private static final int MAX_STATUS_LINE = 1024;

    private final EventLoopGroup group;
    private final InetSocketAddress address;
    private final boolean http;
    private final byte[] request;
    private final long timeoutMillis;

    /**
     * @param kind   {@code http} or {@code tcp}
     * @param path   the path of the HTTP check
     * @param host   the Host header of the HTTP check
     */
    public VipProbe(EventLoopGroup group, InetSocketAddress address, String kind, String path, String host,
                    long timeoutMillis) {
        this.group = group;
        this.address = address;
        this.http = "http".equals(kind);
        this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: fulcrum-gslb-check\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        this.timeoutMillis = timeoutMillis;
    }

    /** Runs one check; the future completes (never exceptionally) within the timeout. */
    public CompletableFuture<ProbeResult> run() {
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        long start = System.nanoTime();
        Consumer<ProbeResult> done = result::complete;
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, timeoutMillis))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new Handler(start, done));
        ChannelFuture f = b.connect(address);
        Channel ch = f.channel();
        ScheduledFuture<?> timer = ch.eventLoop().schedule(() -> {
            if (result.complete(new ProbeResult(false, elapsed(start), "timed out"))) {
                ch.close();
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> timer.cancel(false));
        f.addListener(cf -> {
            if (!cf.isSuccess()) {
                result.complete(new ProbeResult(false, elapsed(start), "connect failed: " + cf.cause().getMessage()));
                return;
            }
            if (!http) {
                result.complete(new ProbeResult(true, elapsed(start), "connected"));
                ch.close();
            } else {
                ch.writeAndFlush(Unpooled.wrappedBuffer(request));
            }
        });
        return result;
    }

    private static double elapsed(long start) {
        return (System.nanoTime() - start) / 1_000_000.0;
    }

    /** Reads the status line of the HTTP check; releases every buffer it gets. */
    private static final class Handler extends ChannelInboundHandlerAdapter {
        private final long start;
        private final Consumer<ProbeResult> done;
        private final StringBuilder line = new StringBuilder();
        private boolean finished;

        Handler(long start, Consumer<ProbeResult> done) {
            this.start = start;
            this.done = done;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                while (!finished && buf.isReadable()) {
                    char c = (char) buf.readByte();
                    if (c == '\n' || line.length() > MAX_STATUS_LINE) {
                        finish(ctx, statusOf(line.toString().strip()));
                    } else {
                        line.append(c);
                    }
                }
            } finally {
                buf.release();
            }
        }

        private ProbeResult statusOf(String statusLine) {
            // "HTTP/1.1 200 OK"
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                return new ProbeResult(false, elapsed(start), "not an HTTP response");
            }
            try {
                int status = Integer.parseInt(parts[1]);
                // Only 2xx: a 3xx is the VIP sending clients elsewhere (its own hand-off, say), not serving them.
                return new ProbeResult(status >= 200 && status < 300, elapsed(start), "status " + status);
            } catch (NumberFormatException e) {
                return new ProbeResult(false, elapsed(start), "bad status line");
            }
        }

        private void finish(ChannelHandlerContext ctx, ProbeResult r) {
            finished = true;
            done.accept(r);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!finished) {
                finish(ctx, new ProbeResult(false, elapsed(start), "closed before a status line"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!finished) {
                finish(ctx, new ProbeResult(false, elapsed(start), cause.getMessage()));
            } else {
                ctx.close();
            }
        }
    }
}
