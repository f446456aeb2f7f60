package io.fulcrum.admin.api;

import io.fulcrum.core.event.Event;
import io.fulcrum.core.event.EventLog;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Answers one admin connection's calls ({@link AdminCall}s from {@link RequestReader}) on
 * a worker thread (changes compile configurations and write files), in request order,
 * except the event stream, which subscribes to the event log and writes each event as a
 * server-sent event as it is published.
 */
final class AdminHandler extends SimpleChannelInboundHandler<AdminCall> {

    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);

    private final AdminApi api;
    private final StaticFiles files;
    private final MetricsEndpoint metrics;
    private final EventLog events;
    private final Executor workers;
    /** The last answer in progress on this connection. */
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    AdminHandler(AdminApi api, StaticFiles files, MetricsEndpoint metrics, EventLog events, Executor workers) {
        this.api = api;
        this.files = files;
        this.metrics = metrics;
        this.events = events;
        this.workers = workers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, AdminCall call) {
        ApiRequest req = call.request();
        if (call.refusal() == null && call.endpoint() == ApiEndpoint.EVENT_STREAM) {
            stream(ctx, req);
            return;
        }
        // Answers go out in request order even when a client pipelines: each waits for the one before.
        tail = tail.thenRunAsync(() -> write(ctx, answerSafely(call), call.keepAlive(), req.method()), workers)
                .exceptionally(e -> {
                    LOG.error("admin answer to {} {} not written: {}", req.method(), req.path(), e.toString(), e);
                    ctx.close();
                    return null;
                });
    }

    /**
     * The answer to a call, whatever its handler throws: an {@link Error} as much as an
     * exception gets {@code 500} and a log line, and the connection's later answers still go out.
     */
    private ApiResponse answerSafely(AdminCall call) {
        try {
            return answer(call);
        } catch (Throwable e) {
            ApiRequest r = call.request();
            LOG.error("admin request {} {} failed: {}", r.method(), r.path(), e.toString(), e);
            return AdminApi.error(500, "internal error: " + e);
        }
    }

    private ApiResponse answer(AdminCall call) {
        if (call.refusal() != null) {
            return call.refusal();
        }
        ApiRequest req = call.request();
        if (call.endpoint() != null) {
            return api.answer(call.endpoint(), call.params(), req);
        }
        if (req.path().equals("/metrics")) {
            return metrics.scrape(req.headers().get("accept"));
        }
        if (req.path().equals(RequestReader.STATS_PAGE)) {
            return api.statsPage(req);
        }
        if (req.path().equals(RequestReader.STATS_PAGE_CSV)) {
            return api.statsCsv();
        }
        ApiResponse f = files.get(req.path());
        return f != null ? f : AdminApi.error(404, "not found: " + req.path());
    }

    private static void write(ChannelHandlerContext ctx, ApiResponse r, boolean keepAlive, String method) {
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                method.equals("HEAD") ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body()));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        resp.headers().set("X-Content-Type-Options", "nosniff");
        resp.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        r.headers().forEach((k, v) -> resp.headers().set(k, v));
        if (keepAlive) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(resp);
        } else {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Server-sent events: the events after {@code Last-Event-ID} (or {@code ?after=}), then each new one. */
    private void stream(ChannelHandlerContext ctx, ApiRequest req) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
        head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        ctx.writeAndFlush(head);
        long after;
        try {
            after = Long.parseLong(req.headers().getOrDefault("last-event-id", req.param("after", "-1")));
        } catch (NumberFormatException e) {
            after = -1;
        }
        Object lock = new Object();
        long[] sent = {0};
        AutoCloseable subscription = events.subscribe(e -> {
            synchronized (lock) {
                if (e.sequence() > sent[0]) {
                    sent[0] = e.sequence();
                    send(ctx, e);
                }
            }
        });
        ctx.channel().closeFuture().addListener(f -> subscription.close());
        synchronized (lock) {
            List<Event> backlog = after >= 0 ? events.since(after, 1000) : events.latest(50);
            for (Event e : backlog) {
                if (e.sequence() > sent[0]) {
                    sent[0] = e.sequence();
                    send(ctx, e);
                }
            }
            if (backlog.isEmpty()) {
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(": connected\n\n", StandardCharsets.UTF_8)));
            }
        }
        // A comment now and then keeps proxies and browsers from timing the stream out.
        var heartbeat = ctx.executor().scheduleAtFixedRate(() -> ctx.writeAndFlush(new DefaultHttpContent(
                Unpooled.copiedBuffer(": keep-alive\n\n", StandardCharsets.UTF_8))), 15, 15, java.util.concurrent.TimeUnit.SECONDS);
        ctx.channel().closeFuture().addListener(f -> heartbeat.cancel(false));
    }

    private static void send(ChannelHandlerContext ctx, Event e) {
        if (!ctx.channel().isWritable()) {
            // A reader that does not keep up is dropped rather than buffered without bound;
            // it reconnects with Last-Event-ID and gets what it missed.
            ctx.close();
            return;
        }
        String frame = "id: " + e.sequence() + "\nevent: " + e.kind() + "\ndata: " + AdminApi.eventJson(e) + "\n\n";
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(frame, StandardCharsets.UTF_8)));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof io.netty.handler.timeout.IdleStateEvent) {
            ctx.close();
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
