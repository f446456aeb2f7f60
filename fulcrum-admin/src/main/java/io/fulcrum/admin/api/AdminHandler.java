package io.fulcrum.admin.api;

import io.fulcrum.admin.auth.Principal;
import io.fulcrum.admin.auth.TokenAuthenticator;
import io.fulcrum.core.event.Event;
import io.fulcrum.core.event.EventLog;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * One admin connection. Requests are copied off the buffers on the event loop and
 * answered on a worker thread (changes compile configurations and write files), except
 * the event stream, which subscribes to the event log and writes each event as a
 * server-sent event as it is published.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final Supplier<TokenAuthenticator> auth;
    private final AdminApi api;
    private final StaticFiles files;
    private final MetricsEndpoint metrics;
    private final EventLog events;
    private final Executor workers;
    private final Supplier<Boolean> metricsOpen;
    /** The last answer in progress on this connection. */
    private java.util.concurrent.CompletableFuture<Void> tail = java.util.concurrent.CompletableFuture.completedFuture(null);

    AdminHandler(Supplier<TokenAuthenticator> auth, AdminApi api, StaticFiles files, MetricsEndpoint metrics,
                 EventLog events, Executor workers, Supplier<Boolean> metricsOpen) {
        this.auth = auth;
        this.api = api;
        this.files = files;
        this.metrics = metrics;
        this.events = events;
        this.workers = workers;
        this.metricsOpen = metricsOpen;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
        QueryStringDecoder qs = new QueryStringDecoder(msg.uri());
        Map<String, String> query = new HashMap<>();
        qs.parameters().forEach((k, v) -> query.put(k, v.isEmpty() ? "" : v.getFirst()));
        Map<String, String> headers = new HashMap<>();
        for (String h : List.of("accept", "content-type", "last-event-id")) {
            String v = msg.headers().get(h);
            if (v != null) {
                headers.put(h, v);
            }
        }
        Principal principal = auth.get().authenticate(msg.headers().get(HttpHeaderNames.AUTHORIZATION));
        ApiRequest req = new ApiRequest(msg.method().name(), qs.path(), query, headers,
                ByteBufUtil.getBytes(msg.content()), principal);
        boolean keepAlive = HttpUtil.isKeepAlive(msg);
        if (req.path().equals("/api/v1/events/stream") && req.method().equals("GET")) {
            if (principal == null) {
                write(ctx, AdminApi.error(401, "a bearer token is required"), false, req.method());
            } else {
                stream(ctx, req);
            }
            return;
        }
        // Answers go out in request order even when a client pipelines: each waits for the one before.
        tail = tail.thenRunAsync(() -> {
            ApiResponse r;
            try {
                r = answer(req);
            } catch (RuntimeException e) {
                r = AdminApi.error(500, e.toString());
            }
            write(ctx, r, keepAlive, req.method());
        }, workers);
    }

    private ApiResponse answer(ApiRequest req) {
        String path = req.path();
        if (path.startsWith("/api/v1/")) {
            return api.handle(req);
        }
        if (path.equals("/metrics")) {
            if (!metricsOpen.get() && req.principal() == null) {
                return AdminApi.error(401, "a bearer token is required");
            }
            return metrics.scrape();
        }
        if (!req.method().equals("GET") && !req.method().equals("HEAD")) {
            return AdminApi.error(405, "only GET here");
        }
        ApiResponse f = files.get(path);
        return f != null ? f : AdminApi.error(404, "not found: " + path);
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
