package io.fulcrum.admin.api;

import io.fulcrum.admin.auth.TokenAuthenticator;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reads one connection's requests and decides on each from its head alone, before any
 * of its body is read: the token, the endpoint, the role and the body size declared.
 * A refused request is answered (in turn) and, if it has a body, the connection is
 * closed without reading it. An accepted one has its body collected up to its
 * endpoint's {@linkplain ApiEndpoint#maxBody() limit}, then goes on as an {@link AdminCall}.
 *
 * <p>It also times the heads: from the connection's opening, and from each answer
 * when nothing else is pending, the next request head must be complete within the
 * head timeout, or the connection is closed (a client trickling a head a byte at a time
 * holds no connection for longer).
 */
final class RequestReader extends ChannelDuplexHandler {

    /** Paths outside {@code /api/v1} take no body: the dashboard's files and {@code /metrics}. */
    private static final String ALLOW_STATIC = "GET, HEAD";

    private final Supplier<TokenAuthenticator> auth;
    private final AdminApi api;
    private final Supplier<Boolean> metricsOpen;
    private final Duration headTimeout;

    /** The request whose body is being collected, or {@code null}. */
    private Pending current;
    /** Skip everything up to the end of the current request (refused, body-less). */
    private boolean skipToEnd;
    /** Everything from now on is dropped (refused with a body: the connection closes). */
    private boolean discardAll;
    /** Requests handed on and not yet answered. */
    private int unanswered;
    private ScheduledFuture<?> headTimer;

    private static final class Pending {
        final ApiRequest head;
        final ApiEndpoint endpoint;
        final Map<String, String> params;
        final boolean keepAlive;
        final int limit;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        Pending(ApiRequest head, ApiEndpoint endpoint, Map<String, String> params, boolean keepAlive, int limit) {
            this.head = head;
            this.endpoint = endpoint;
            this.params = params;
            this.keepAlive = keepAlive;
            this.limit = limit;
        }
    }

    RequestReader(Supplier<TokenAuthenticator> auth, AdminApi api, Supplier<Boolean> metricsOpen, Duration headTimeout) {
        this.auth = auth;
        this.api = api;
        this.metricsOpen = metricsOpen;
        this.headTimeout = headTimeout;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        armHeadTimer(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            armHeadTimer(ctx);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarmHeadTimer();
        current = null;
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (discardAll) {
                return;
            }
            if (msg instanceof HttpRequest head) {
                disarmHeadTimer();
                onHead(ctx, head);
            }
            if (msg instanceof HttpContent content) {
                onContent(ctx, content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(ChannelHandlerContext ctx, HttpRequest head) {
        skipToEnd = false;
        if (head.decoderResult().isFailure()) {
            refuse(ctx, null, AdminApi.error(400, "malformed request: " + head.decoderResult().cause().getMessage()), true);
            return;
        }
        long declared;
        try {
            declared = HttpUtil.getContentLength(head, 0L);
        } catch (NumberFormatException e) {
            refuse(ctx, null, AdminApi.error(400, "malformed Content-Length"), true);
            return;
        }
        boolean hasBody = HttpUtil.isTransferEncodingChunked(head) || declared > 0;
        boolean keepAlive = HttpUtil.isKeepAlive(head);
        QueryStringDecoder qs = new QueryStringDecoder(head.uri());
        String path;
        List<String> segments;
        Map<String, String> query = new HashMap<>();
        try {
            path = qs.path();
            segments = segments(qs.rawPath());
            qs.parameters().forEach((k, v) -> query.put(k, v.isEmpty() ? "" : v.getFirst()));
        } catch (IllegalArgumentException e) {
            refuse(ctx, null, AdminApi.error(400, "malformed path: " + e.getMessage()), hasBody);
            return;
        }
        Map<String, String> headers = new HashMap<>();
        for (String h : List.of("accept", "content-type", "last-event-id")) {
            String v = head.headers().get(h);
            if (v != null) {
                headers.put(h, v);
            }
        }
        String method = head.method().name();
        boolean page = isStatsPage(path);
        String authorization = head.headers().get(HttpHeaderNames.AUTHORIZATION);
        TokenAuthenticator.Result who = page ? auth.get().checkPage(authorization) : auth.get().check(authorization);
        ApiRequest req = new ApiRequest(method, path, query, headers, new byte[0], who.principal());

        ApiEndpoint endpoint = null;
        Map<String, String> params = Map.of();
        int limit = 0;
        if (segments.size() >= 2 && segments.get(0).equals("api") && segments.get(1).equals("v1")) {
            if (!who.ok()) {
                refuse(ctx, req, unauthorized(who.problem()), hasBody);
                return;
            }
            EndpointTable.Match m = api.endpoints().find(method, segments);
            switch (m) {
                case EndpointTable.NotFound nf -> {
                    refuse(ctx, req, AdminApi.error(404, "no such endpoint: " + method + " " + path
                            + " (GET /api/v1/help lists them)"), hasBody);
                    return;
                }
                case EndpointTable.WrongMethod wm -> {
                    refuse(ctx, req, AdminApi.error(405, method + " is not served at " + path + "; use "
                            + wm.allowHeader()).with("Allow", wm.allowHeader()), hasBody);
                    return;
                }
                case EndpointTable.Found f -> {
                    endpoint = f.endpoint();
                    params = f.params();
                }
            }
            if (!who.principal().role().mayChange() && endpoint.role().mayChange()) {
                refuse(ctx, req, AdminApi.error(403, "token " + who.principal().name()
                        + " has the read role; changes need the admin role"), hasBody);
                return;
            }
            limit = endpoint.maxBody();
        } else {
            if (!method.equals("GET") && !method.equals("HEAD")) {
                refuse(ctx, req, AdminApi.error(405, "only GET and HEAD here").with("Allow", ALLOW_STATIC), hasBody);
                return;
            }
            if (path.equals("/metrics") && !metricsOpen.get() && !who.ok()) {
                refuse(ctx, req, unauthorized(who.problem()), hasBody);
                return;
            }
            if (page && !who.ok()) {
                // A browser asks for credentials on this answer; the token goes in as the password.
                refuse(ctx, req, AdminApi.error(401, who.problem() + "; or Basic credentials with the token as password")
                        .with("WWW-Authenticate", "Basic realm=\"fulcrum\", charset=\"UTF-8\""), hasBody);
                return;
            }
        }
        if (declared > limit) {
            refuse(ctx, req, tooLarge(endpoint, limit), true);
            return;
        }
        if (HttpUtil.is100ContinueExpected(head)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        current = new Pending(req, endpoint, params, keepAlive, limit);
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (skipToEnd || current == null) {
            if (last) {
                skipToEnd = false;
            }
            return;
        }
        ByteBuf data = content.content();
        if (content.decoderResult().isFailure()) {
            Pending p = current;
            current = null;
            refuse(ctx, p.head, AdminApi.error(400, "malformed request body"), true);
            return;
        }
        if (current.body.size() + (long) data.readableBytes() > current.limit) {
            Pending p = current;
            current = null;
            refuse(ctx, p.head, tooLarge(p.endpoint, p.limit), true);
            return;
        }
        byte[] chunk = new byte[data.readableBytes()];
        data.readBytes(chunk);
        current.body.writeBytes(chunk);
        if (last) {
            Pending p = current;
            current = null;
            ApiRequest h = p.head;
            ApiRequest full = new ApiRequest(h.method(), h.path(), h.query(), h.headers(), p.body.toByteArray(), h.principal());
            handOn(ctx, new AdminCall(full, p.endpoint, p.params, null, p.keepAlive));
        }
    }

    /**
     * Answers a request from its head. A request with a body (its bytes not read) ends the
     * connection; one without keeps it.
     */
    private void refuse(ChannelHandlerContext ctx, ApiRequest req, ApiResponse answer, boolean hasBody) {
        ApiRequest r = req != null ? req : new ApiRequest("GET", "/", Map.of(), Map.of(), new byte[0], null);
        if (hasBody) {
            discardAll = true;
        } else {
            skipToEnd = true;
        }
        handOn(ctx, new AdminCall(r, null, Map.of(), answer, !hasBody));
    }

    private void handOn(ChannelHandlerContext ctx, AdminCall call) {
        unanswered++;
        ctx.fireChannelRead(call);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof FullHttpResponse r && r.status().code() >= 200) {
            // One request answered; when none is left, the next head is timed.
            promise = promise.unvoid();
            promise.addListener(f -> {
                unanswered--;
                if (unanswered == 0 && current == null && !discardAll && ctx.channel().isActive()) {
                    armHeadTimer(ctx);
                }
            });
        }
        super.write(ctx, msg, promise);
    }

    private void armHeadTimer(ChannelHandlerContext ctx) {
        disarmHeadTimer();
        headTimer = ctx.executor().schedule(() -> {
            headTimer = null;
            ctx.close();
        }, headTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void disarmHeadTimer() {
        if (headTimer != null) {
            headTimer.cancel(false);
            headTimer = null;
        }
    }

    /** The server-rendered stats page and its CSV, which need a token but may get it as Basic credentials. */
    static boolean isStatsPage(String path) {
        return path.equals(STATS_PAGE) || path.equals(STATS_PAGE_CSV);
    }

    /** Where the stats page is served. */
    static final String STATS_PAGE = "/stats";
    /** Where its CSV is served too, as HAProxy serves its own. */
    static final String STATS_PAGE_CSV = "/stats;csv";

    private static ApiResponse unauthorized(String problem) {
        return AdminApi.error(401, problem).with("WWW-Authenticate", "Bearer realm=\"fulcrum\"");
    }

    private static ApiResponse tooLarge(ApiEndpoint endpoint, int limit) {
        return AdminApi.error(413, limit == 0
                ? (endpoint == null ? "this path" : endpoint.method() + " " + endpoint.path()) + " takes no body"
                : "the body is larger than the " + limit + " bytes " + endpoint.method() + " " + endpoint.path() + " takes");
    }

    /**
     * The path's segments, each percent-decoded on its own, so that an encoded {@code /}
     * stays inside its segment ({@code +} is a plus sign in a path).
     *
     * @throws IllegalArgumentException for a malformed escape
     */
    static List<String> segments(String rawPath) {
        return Arrays.stream(rawPath.split("/")).filter(s -> !s.isEmpty())
                .map(s -> URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8)).toList();
    }
}
