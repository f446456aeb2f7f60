package io.fulcrum.proxy.http;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.retry.RetryState;
import io.fulcrum.proxy.http2.Http2BackendSessions;
import io.fulcrum.proxy.log.AccessLog;
import io.fulcrum.proxy.log.AccessRecord;
import io.fulcrum.proxy.observe.ExchangeObserver;
import io.fulcrum.proxy.route.Router;
import io.fulcrum.proxy.runtime.ListenerRuntime;
import io.fulcrum.proxy.runtime.PoolRuntime;
import io.fulcrum.proxy.runtime.RouteRuntime;
import io.fulcrum.proxy.runtime.WaitQueue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * One request on its way through the proxy: routing, stickiness, the backend
 * choice (with queueing and retries), the relay of the body both ways, and the
 * bookkeeping at the end (counters, passive health, access log).
 *
 * <p>Runs on the client connection's event loop; backend connections come from
 * the same loop's pool, so no state here is shared between threads (except
 * {@link #wake()}, which hops back to the loop).
 */
final class Exchange extends RetryState implements WaitQueue.Waiter, TunnelRelay.Owner {

    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);
    /** Request body bytes buffered while no backend connection is ready, before reading pauses. */
    private static final int MAX_BUFFERED_BODY = 256 * 1024;

    private final HttpProxyHandler client;
    private final ListenerRuntime listener;
    private final HttpRequest request;
    private final long startNanos;
    private final String method;
    private final String uri;
    private final String protocol;

    private RouteRuntime route;
    private PoolRuntime pool;
    private String host;

    private boolean clientKeepAlive = true;
    private boolean http10;
    private boolean headRequest;
    private boolean hasBody;
    private boolean requestComplete;
    private boolean expectContinue;
    private long bytesIn;
    private ArrayDeque<HttpContent> bodyBuffer;
    private long bodyBuffered;
    private boolean clientPaused;

    private Backend backend;
    private boolean counted;
    private BackendConnection conn;
    private boolean connecting;
    /** When the request head went to the current backend (its response time is measured from here). */
    private long sentNanos;
    /**
     * When the last byte of the request was handed to the current backend connection, 0 while the
     * body is still arriving: the response timeout runs from here, so a slow upload is not taken
     * for a slow backend.
     */
    private long requestSentNanos;
    private long backendMicros = -1;
    /** When the last fresh connection to a backend started opening (for connect_ms). */
    private long connectStartNanos;
    private long connectMicros = -1;
    /** The request id (taken from the request or made), or null when the listener has them off. */
    private String requestId;

    private boolean responseStarted;
    private boolean interimResponse;
    private boolean forwardInterim;
    private boolean backendKeepAlive;
    private boolean closeClient;
    private int status;
    private long bytesOut;
    private String newStickyCookie;

    private boolean waiting;
    private long queuedAtNanos;

    /** The Upgrade value of a request asking to switch protocols (HTTP/1.1 GET, no body), else null. */
    private String upgrade;
    /** Client reading is held until the answer to an upgrade request (its bytes after a 101 are not HTTP). */
    private boolean holdForUpgrade;
    /**
     * A CONNECT the listener accepted: the backend gets a plain TCP connection and no request,
     * and the client a 200 once it is up (see {@link #openTunnel}).
     */
    private boolean connectTunnel;

    /** Whether this is a CONNECT (one that gets no tunnel closes the connection: tunnel bytes may follow). */
    private boolean isConnect() {
        return request != null && HttpMethod.CONNECT.equals(request.method());
    }

    /** Whether the exchange ended (answered or aborted); its request body may still be arriving. */
    boolean finished() {
        return done;
    }

    /** Whether the whole request (head and body) has been read from the client. */
    boolean requestComplete() {
        return requestComplete;
    }

    /** Whether the client connection closes after this exchange. */
    boolean closesClient() {
        return closeClient;
    }
    /** The byte relay after a 101 or a CONNECT's 200, or null. */
    private TunnelRelay tunnel;
    private boolean done;
    /** The client went away (closed, or reset its stream) before the exchange ended. */
    private boolean abandonedByClient;
    private String error;
    /** The proxy ended this request with an error of its own: an error answer, or a response cut off (stats page). */
    private boolean failed;

    Exchange(HttpProxyHandler client, ListenerRuntime listener, HttpRequest request, long nowNanos) {
        this.client = client;
        this.listener = listener;
        this.request = request;
        this.startNanos = nowNanos;
        if (request != null) {
            this.method = request.method().name();
            this.uri = request.uri();
            this.protocol = request.protocolVersion().text();
        } else {
            this.method = null;
            this.uri = null;
            this.protocol = null;
        }
    }

    // ---- start ----------------------------------------------------------------------------------

    /** Routes the request and sends it on its way (or answers it). The request passed the basic checks. */
    void start() {
        HttpHeaders h = request.headers();
        HeaderScan scan = client.requestScan; // filled by the handler for this request
        http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        clientKeepAlive = scan.keepAlive(http10);
        headRequest = request.method().equals(HttpMethod.HEAD);
        boolean chunked = scan.chunked();
        long contentLength = chunked ? -1 : scan.contentLengthValue();
        hasBody = chunked || contentLength > 0;
        host = scan.host != null ? scan.host : Router.hostOf(request);
        if (listener.requestIdHeader() != null) {
            // Taken before any refusal, so that every logged request has its id.
            requestId = RequestIds.takeOrMake(h.get(listener.requestIdHeader()));
        }

        switch (ExpectContinue.of(scan.expect, http10)) {
            case ExpectContinue.CONTINUE -> {
                expectContinue = true;
                h.remove(HttpHeaderNames.EXPECT);
            }
            case ExpectContinue.REFUSE -> {
                respondError(HttpResponseStatus.EXPECTATION_FAILED, "unsupported Expect", true);
                return;
            }
            default -> {
            }
        }
        long maxBody = listener.maxBodyBytes();
        if (maxBody > 0 && contentLength > maxBody) {
            respondError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body larger than " + maxBody,
                    true);
            return;
        }
        route = listener.router().route(request);
        if (route == null) {
            respondError(HttpResponseStatus.NOT_FOUND, "no route", false);
            return;
        }
        pool = route.pool();
        if (request.method().equals(HttpMethod.CONNECT) && client.rawResponses()) {
            // Accepted by the request checks (the listener opted in, the port is allowed). Bytes the
            // client sends before the 200 are held raw: they belong to the tunnel, not to HTTP.
            connectTunnel = true;
            holdForUpgrade = true;
            pauseClient();
            client.stopDecoding();
            client.dispatchAtBatchEnd(this);
            return;
        }

        upgrade = TunnelSwitch.requested(scan, http10, hasBody, request.method());
        HeaderRewriter.removeHopByHop(h, scan);
        String idHeader = listener.requestIdHeader();
        if (idHeader != null) {
            // Exactly one, the id logged: replaces an unusable one, extra copies, and restores one that
            // the client listed in Connection (removed above as hop-by-hop).
            h.set(idHeader, requestId);
        }
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (upgrade != null) {
            TunnelSwitch.askBackend(h, upgrade);
            holdForUpgrade = true;
            pauseClient();
        }
        if (listener.xForwarded()) {
            HeaderRewriter.addXForwarded(h, scan.xForwardedFor, client.clientIp(), listener.scheme(), host);
        }
        if (listener.forwardedHeader()) {
            HeaderRewriter.addForwarded(h, client.remote.getAddress(), listener.scheme(), host);
        }
        if (listener.via()) {
            HeaderRewriter.addVia(h, protocol);
        }
        client.dispatchAtBatchEnd(this);
    }

    /** Chooses a backend and sends the request; deferred to the end of the client's read batch. */
    void dispatch() {
        if (!done) {
            chooseAndSend(startNanos); // microseconds after the request arrived: one clock read less
        }
    }

    // ---- backend choice -------------------------------------------------------------------------

    private void chooseAndSend(long now) {
        Backend b = choose(now);
        if (b != null) {
            sendTo(b);
            return;
        }
        if (attempts() > 0) {
            respondError(HttpResponseStatus.BAD_GATEWAY,
                    error == null ? "no backend left to try" : error, false);
        } else if (pool.anyHealthyButFull(now)) {
            enqueue(now);
        } else {
            unavailable("no backend available");
        }
    }

    /** 503, or a redirect to another site when the GSLB hand-off has one (requirements 2.5 item 6). */
    private void unavailable(String detail) {
        Handoff.Redirect r = client.slot().handoff().redirect(listener.name(), host, request.uri());
        if (r == null) {
            respondError(HttpResponseStatus.SERVICE_UNAVAILABLE, detail, false);
        } else {
            respondError(HttpResponseStatus.valueOf(r.status()), detail + "; handed off", false,
                    r.location());
        }
    }

    private Backend choose(long now) {
        pickAt(now);
        if (!route.stickiness().enabled()) {
            return pickFresh(now);
        }
        String key = route.stickyByCookie() ? StickySessions.cookieKey(route, this)
                : StickySessions.sourceKey(host, client.clientIp());
        if (key != null) {
            Backend b = StickySessions.bound(route, pool, key, this, now);
            if (b != null) {
                return b;
            }
        }
        Backend b = pickFresh(now);
        if (b != null) {
            if (key == null) {
                key = StickySessions.newSessionId();
                newStickyCookie = key;
            }
            StickySessions.bind(route, key, b, now);
        }
        return b;
    }

    /** A backend from the balancer that this request has not tried yet (any untried one for a hashing balancer). */
    private Backend pickFresh(long now) {
        return pickUntried(pool.balancer(), 3, pool.backends());
    }

    // ---- queue ----------------------------------------------------------------------------------

    private void enqueue(long now) {
        if (!waiting) {
            queuedAtNanos = now;
        }
        if (pool.queueTimeoutNanos() <= 0 || !pool.queue().offer(this)) {
            unavailable("all backends busy and queue full");
            return;
        }
        waiting = true;
        client.armTimerBy(nextDeadline());
    }

    @Override
    public void wake() {
        client.channel.eventLoop().execute(() -> {
            if (waiting && !done) {
                waiting = false;
                long now = System.nanoTime();
                Backend b = choose(now);
                if (b != null) {
                    sendTo(b);
                } else if (now - queuedAtNanos < pool.queueTimeoutNanos() && pool.anyHealthyButFull(now)) {
                    enqueue(now);
                } else {
                    respondError(HttpResponseStatus.SERVICE_UNAVAILABLE, "no backend available", false);
                }
            }
        });
    }

    /** The request has a backend: a client that asked for 100-continue is told to send its body now. */
    private void sendTo(Backend b) {
        if (expectContinue) {
            expectContinue = false;
            client.sendContinue();
        }
        connectTo(b);
    }

    @Override
    public boolean isDone() {
        return done || !waiting;
    }

    // ---- backend connection ---------------------------------------------------------------------

    private void connectTo(Backend b) {
        backend = b;
        requestSentNanos = 0; // a retry's response timer starts when this attempt has the request
        noteTried(b);
        b.requestStarted();
        counted = true;
        HttpProxyHandler proxiedFor = "none".equals(pool.config().proxyProtocol()) ? null : client;
        BackendConnection c = connectTunnel ? null : client.backendPool.acquire(b, pool, proxiedFor);
        if (c != null) {
            connectMicros = -1; // a pooled connection: nothing was opened for this attempt
            attach(c);
            return;
        }
        BackendConnection fresh = new BackendConnection(b, client.backendPool);
        fresh.proxiedFor = proxiedFor;
        connecting = true;
        connectStartNanos = System.nanoTime();
        if (connectTunnel) {
            sentNanos = System.nanoTime(); // a tunnel's backend time is its connect time
        }
        ChannelFuture f = connectTunnel ? client.backendPool.connectTunnel(b, pool, fresh)
                : client.backendPool.connect(b, pool, fresh);
        if (f.isDone()) {
            onConnected(fresh, f);
        } else {
            f.addListener(x -> onConnected(fresh, f));
        }
    }

    private void onConnected(BackendConnection fresh, ChannelFuture f) {
        connecting = false;
        if (done || fresh.backend != backend) {
            // The request ended while connecting; an unused fresh connection is still worth keeping
            // (a tunnel's raw one is not: it has no HTTP codec).
            if (f.isSuccess()) {
                if (connectTunnel) {
                    fresh.channel.close();
                } else {
                    client.backendPool.release(fresh, pool);
                }
            }
            return;
        }
        connectMicros = (System.nanoTime() - connectStartNanos) / 1000;
        if (!f.isSuccess()) {
            failAttempt("connect to " + backend.address() + " failed: " + rootMessage(f.cause()), true,
                    pool.config().retries().onConnectFailure());
            return;
        }
        if (connectTunnel) {
            openTunnel(fresh);
        } else {
            attach(fresh);
        }
    }

    private void attach(BackendConnection c) {
        conn = c;
        c.owner = this;
        c.uses++;
        c.headRequest = headRequest;
        if (c.framer != null) {
            c.framer.expectResponse();
        }
        Channel ch = c.channel;
        HttpHeaders h = request.headers();
        if (!h.contains(HttpHeaderNames.HOST)) {
            h.set(HttpHeaderNames.HOST, backend.address());
        }
        sentNanos = System.nanoTime();
        requestSentNanos = !hasBody || requestComplete ? sentNanos : 0; // a complete body goes out below
        // A bodiless request to an HTTP/1.x backend goes as ready-made bytes; the rest through the encoder.
        ByteBuf head = hasBody || Http2BackendSessions.isStream(ch) ? null
                : RequestHeadWriter.encode(request, ch.alloc());
        if (head != null) {
            ch.write(head, ch.voidPromise());
        } else if (!hasBody) {
            ch.write(request, ch.voidPromise());
            // A bodiless request is complete with its head; this also makes a retry a plain re-send.
            ch.write(LastHttpContent.EMPTY_LAST_CONTENT, ch.voidPromise());
        } else {
            ch.write(request, ch.voidPromise());
            if (bodyBuffer != null) {
                HttpContent part;
                while ((part = bodyBuffer.poll()) != null) {
                    ch.write(part, ch.voidPromise());
                }
                bodyBuffered = 0;
            }
        }
        client.backendWritten(ch);
        if (clientPaused && ch.isWritable()) {
            resumeClient();
        }
        client.armTimerBy(nextDeadline());
    }

    /** One attempt failed before any response byte; retry on another backend when allowed, else answer 502. */
    private void failAttempt(String why, boolean countFailure, boolean retryAllowed) {
        failAttempt(why, countFailure, retryAllowed, HttpResponseStatus.BAD_GATEWAY);
    }

    /** As above, answering {@code finalStatus} when no retry is made. */
    private void failAttempt(String why, boolean countFailure, boolean retryAllowed, HttpResponseStatus finalStatus) {
        long now = System.nanoTime();
        error = why;
        if (countFailure) {
            pool.recordFailure(backend, now, why);
        }
        releaseCount();
        if (retryAllowed && mayRetry(pool.config().retries().attempts())) {
            Backend next = choose(now);
            if (next != null) {
                backend.counters().retried();
                connectTo(next);
                return;
            }
        }
        respondError(finalStatus, why, false);
    }

    private void releaseCount() {
        if (counted) {
            counted = false;
            backend.requestFinished();
            pool.queue().slotFreed();
        }
    }

    /** Drops the backend connection without returning it to the pool (anything unflushed is discarded). */
    private void abandonBackend() {
        BackendConnection c = conn;
        conn = null;
        if (c != null) {
            c.owner = null;
            client.forgetBackend(c.channel);
            c.channel.close();
        }
    }

    // ---- request body ---------------------------------------------------------------------------

    void onRequestBody(HttpContent part) {
        if (part.decoderResult().isFailure()) {
            part.release();
            requestComplete = true;
            abandonBackend();
            respondError(HttpResponseStatus.BAD_REQUEST, "malformed request body", true);
            return;
        }
        boolean last = part instanceof LastHttpContent;
        int n = part.content().readableBytes();
        bytesIn += n;
        long maxBody = listener.maxBodyBytes();
        if (maxBody > 0 && bytesIn > maxBody) {
            part.release();
            requestComplete = true;
            abandonBackend();
            respondError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body larger than " + maxBody,
                    true);
            return;
        }
        if (last) {
            requestComplete = true;
        }
        if (done || !hasBody) {
            // Refused already, or the end marker of a bodiless request (attach() sends its own).
            part.release();
            if (last && done) {
                client.requestBodyComplete(this);
            }
            return;
        }
        if (last && hasForbiddenTrailer((LastHttpContent) part)) {
            part.release();
            abandonBackend();
            respondError(HttpResponseStatus.BAD_REQUEST, "framing or routing field in trailers", true);
            return;
        }
        BackendConnection c = conn;
        if (c != null) {
            Channel ch = c.channel;
            ch.write(part, ch.voidPromise());
            client.backendWritten(ch);
            if (last) {
                requestSentNanos = System.nanoTime();
                client.armTimerBy(nextDeadline());
            }
            if (!ch.isWritable()) {
                pauseClient();
            }
        } else {
            if (bodyBuffer == null) {
                bodyBuffer = new ArrayDeque<>(4);
            }
            bodyBuffer.add(part);
            bodyBuffered += n;
            if (bodyBuffered > MAX_BUFFERED_BODY) {
                pauseClient();
            }
        }
    }

    /**
     * Whether the trailers hold a field that framing or routing depend on (RFC 9110 section 6.5.1):
     * a backend that merges trailers into the head would act on them. The HTTP/1.1 decoder already
     * drops Content-Length and Transfer-Encoding from trailers; HTTP/2 trailers arrive unfiltered.
     */
    private static boolean hasForbiddenTrailer(LastHttpContent last) {
        HttpHeaders t = last.trailingHeaders();
        return !t.isEmpty() && (t.contains(HttpHeaderNames.HOST) || t.contains(HttpHeaderNames.CONTENT_LENGTH)
                || t.contains(HttpHeaderNames.TRANSFER_ENCODING));
    }

    private void pauseClient() {
        if (!clientPaused) {
            clientPaused = true;
            client.setClientReading(false);
        }
    }

    private void resumeClient() {
        if (clientPaused && !holdForUpgrade) {
            clientPaused = false;
            client.setClientReading(true);
        }
    }

    void onBackendWritabilityChanged(boolean writable) {
        if (writable) {
            resumeClient();
        }
    }

    void onClientWritabilityChanged(boolean writable) {
        BackendConnection c = conn;
        if (c != null) {
            c.channel.config().setAutoRead(writable);
        }
    }

    // ---- response -------------------------------------------------------------------------------

    void onBackendMessage(BackendConnection c, Object msg) {
        if (c != conn || done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ResponseHead head) {
            onResponseHead(head);
        } else if (msg instanceof HttpResponse response) {
            onResponseHead(response);
            if (msg instanceof HttpContent content) {
                onResponseBody(content);
            }
        } else if (msg instanceof HttpContent content) {
            onResponseBody(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onResponseHead(HttpResponse r) {
        if (r.decoderResult().isFailure()) {
            abandonBackend();
            failAttempt("invalid response from " + backend.address(), true, false);
            return;
        }
        int code = r.status().code();
        if (code < 200) {
            if (code == 101 && upgrade != null) {
                switchProtocols(r);
                return;
            }
            if (code == 101) {
                abandonBackend();
                failAttempt("backend switched protocols without an upgrade request", true, false);
                return;
            }
            // The decoder follows a 1xx head with an empty end marker. 100 Continue is Fulcrum's own
            // business with the client and is dropped; others (103 Early Hints) are passed on.
            interimResponse = true;
            forwardInterim = ExpectContinue.forwards(code);
            if (forwardInterim) {
                r.setProtocolVersion(HttpVersion.HTTP_1_1);
                client.writeToClient(r);
            }
            return;
        }
        finalResponseStarted(code);
        rawBody = BODY_OBJECTS;
        prepareResponseHead(r);
        client.writeToClient(r);
    }

    /** The bookkeeping of a final (non-1xx) response head from the backend. */
    private void finalResponseStarted(int code) {
        long now = System.nanoTime();
        responseStarted = true;
        status = code;
        if (holdForUpgrade) {
            holdForUpgrade = false; // the backend declined the upgrade: an ordinary response
            resumeClient();
        }
        backendMicros = (now - sentNanos) / 1000;
        backend.recordResponseTime(now - sentNanos);
        if (code >= 500 && pool.config().passiveHealth().count5xx()) {
            pool.recordFailure(backend, now, "5xx response");
        } else {
            backend.recordSuccess();
        }
    }

    /**
     * A head from an HTTP/1.x backend ({@link ResponseFramer}). To an HTTP/1.x client a final
     * response goes out as the backend's bytes with the proxy's changes; an HTTP/2 client, a 1xx
     * and a 205 (whose framing the encoder rewrites) take the decoded path.
     */
    private void onResponseHead(ResponseHead head) {
        if (head.invalid != null) {
            LOG.debug("invalid response from {}: {}", backend.address(), head.invalid);
            abandonBackend();
            failAttempt("invalid response from " + backend.address(), true, false);
            return;
        }
        int code = head.status;
        byte[] body = head.body;
        if (code < 200 || code == 205 || !client.rawResponses()) {
            onResponseHead(head.toHttpResponse());
            if (body != null && !done && responseStarted) {
                onResponseBody(new DefaultLastHttpContent(Unpooled.wrappedBuffer(body)));
            }
            return;
        }
        finalResponseStarted(code);
        ByteBuf out = rawHead(head, body == null ? 0 : body.length);
        if (body == null) {
            client.writeRawToClient(out);
            return;
        }
        // A whole response: head and body leave in one buffer.
        out.writeBytes(body);
        bytesOut += body.length;
        client.writeRawToClient(out);
        responseComplete();
    }

    /**
     * The response head for the client, made from the backend's: HTTP/1.1 status line, its header
     * lines but the hop-by-hop ones, framing as {@link ClientFraming} decides (as for the decoded
     * path), and the proxy's own headers.
     */
    private ByteBuf rawHead(ResponseHead head, int bodyBytes) {
        backendKeepAlive = head.http10 ? head.connectionKeepAlive : !head.connectionClose;
        int framing = framing(head.transferEncoding || head.contentLength < 0, head.chunked);
        rawBody = (framing & ClientFraming.CHUNKED_BODY) != 0 ? BODY_CHUNKED : BODY_RAW;
        String cookie = newStickyCookie == null ? null : StickySessions.setCookie(route, newStickyCookie);
        ByteBuf out = client.channel.alloc().ioBuffer(head.size() + 64 + bodyBytes
                + (cookie == null ? 0 : cookie.length() + 16));
        ClientFraming.writeHead(head, framing, out);
        if (cookie != null) {
            out.writeCharSequence("set-cookie: ", StandardCharsets.ISO_8859_1);
            out.writeCharSequence(cookie, StandardCharsets.ISO_8859_1);
            out.writeShort(ResponseHead.CRLF);
        }
        if (listener.via()) {
            out.writeBytes(VIA);
        }
        out.writeShort(ResponseHead.CRLF);
        return out;
    }

    /**
     * Decides the framing of the final response towards the client ({@link ClientFraming}) and
     * notes whether the client connection closes after it.
     */
    private int framing(boolean lengthUnknown, boolean chunked) {
        int f = ClientFraming.decide(headRequest, status, lengthUnknown, chunked, http10,
                closeClient || !clientKeepAlive || client.slot().draining());
        closeClient = (f & ClientFraming.CLOSE) != 0;
        return f;
    }

    private static final byte[] VIA = "via: 1.1 fulcrum\r\n".getBytes(StandardCharsets.US_ASCII);

    /** How the body of the response being relayed is written: as HTTP objects (to the encoder) or as bytes. */
    private static final byte BODY_OBJECTS = 0;
    /** As bytes, unchanged (Content-Length framing, or an HTTP/1.0 client reading to the close). */
    private static final byte BODY_RAW = 1;
    /** As bytes, in chunks this exchange frames itself. */
    private static final byte BODY_CHUNKED = 2;
    private byte rawBody;
    /** A chunk written to the client still lacks its closing CRLF (it goes with the next chunk's size). */
    private boolean chunkOpen;

    /** Writes one body part of a response whose head went out as bytes; releases {@code content}. */
    private void writeRawBody(HttpContent content, boolean last) {
        ByteBuf data = content.content();
        int n = data.readableBytes();
        if (rawBody == BODY_RAW) {
            if (n > 0) {
                client.writeRawToClient(data);
            } else {
                content.release();
            }
            return;
        }
        if (n > 0) {
            client.writeRawToClient(ClientFraming.chunkStart(client.channel.alloc(), n, chunkOpen));
            client.writeRawToClient(data);
            chunkOpen = true;
        } else {
            content.release();
        }
        if (last) {
            HttpHeaders trailers = ((LastHttpContent) content).trailingHeaders();
            client.writeRawToClient(ClientFraming.lastChunk(client.channel.alloc(), trailers, chunkOpen));
            chunkOpen = false;
        }
    }

    private void prepareResponseHead(HttpResponse r) {
        HttpHeaders h = r.headers();
        HeaderScan scan = client.responseScan;
        scan.scan(h);
        backendKeepAlive = scan.keepAlive(r.protocolVersion().equals(HttpVersion.HTTP_1_0));
        HeaderRewriter.removeHopByHop(h, scan);
        r.setProtocolVersion(HttpVersion.HTTP_1_1);
        ClientFraming.apply(framing(scan.transferEncoding || scan.contentLength == null, scan.chunked()), h, scan);
        if (newStickyCookie != null) {
            h.add(HttpHeaderNames.SET_COOKIE, StickySessions.setCookie(route, newStickyCookie));
        }
        if (listener.via()) {
            HeaderRewriter.addVia(h, "1.1");
        }
    }

    private void onResponseBody(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (interimResponse) {
            if (last) {
                interimResponse = false;
            }
            if (forwardInterim) {
                client.writeToClient(content);
            } else {
                ReferenceCountUtil.release(content);
            }
            return;
        }
        if (content.decoderResult().isFailure()) {
            content.release();
            abandonBackend();
            error = "invalid response body from " + backend.address();
            failed = true;
            pool.recordFailure(backend, System.nanoTime(), error);
            finish(true);
            client.closeClient();
            return;
        }
        bytesOut += content.content().readableBytes();
        if (rawBody == BODY_OBJECTS) {
            client.writeToClient(content);
        } else {
            writeRawBody(content, last);
        }
        if (!client.clientWritable() && conn != null) {
            conn.channel.config().setAutoRead(false);
        }
        if (last) {
            responseComplete();
        }
    }

    /**
     * The backend accepted the upgrade: the 101 goes to the client, then both connections become
     * a raw byte relay. The backend connection is never pooled again and the backend's request
     * count stays held until the tunnel closes; the exchange is logged then.
     */
    private void switchProtocols(HttpResponse r) {
        long now = System.nanoTime();
        BackendConnection c = conn;
        if (client.hasPipelined()) {
            // The client sent more HTTP after its upgrade request: its bytes cannot be relayed as they were.
            abandonBackend();
            respondError(HttpResponseStatus.BAD_GATEWAY, "client sent data before the protocol switch",
                    true);
            return;
        }
        responseStarted = true;
        status = 101;
        backendMicros = (now - sentNanos) / 1000;
        backend.recordResponseTime(now - sentNanos);
        backend.recordSuccess();

        TunnelSwitch.acceptedSwitch(r, client.responseScan, upgrade);
        HttpHeaders h = r.headers();
        if (newStickyCookie != null) {
            h.add(HttpHeaderNames.SET_COOKIE, StickySessions.setCookie(route, newStickyCookie));
        }
        if (listener.via()) {
            HeaderRewriter.addVia(h, "1.1");
        }
        // The 101 is encoded into the client's outbound buffer now, ahead of any relayed byte.
        client.writeToClient(r);
        client.writeToClient(LastHttpContent.EMPTY_LAST_CONTENT);
        client.flushClient();

        conn = null;
        c.owner = null;
        client.forgetBackend(c.channel);
        holdForUpgrade = false;
        clientPaused = false;
        TunnelRelay t = TunnelSwitch.installAfterSwitch(client.channel, c.channel, listener.idleNanos(), this);
        tunnel = t;
        t.start();
    }

    /**
     * The TCP connection for a CONNECT is up: the client gets {@code 200} (no framing headers,
     * RFC 9110 section 9.3.6) and both connections become the same raw relay an upgrade uses.
     * The backend's request count stays held until the tunnel closes; the exchange is logged then.
     */
    private void openTunnel(BackendConnection c) {
        long now = System.nanoTime();
        responseStarted = true;
        status = 200;
        backendMicros = (now - sentNanos) / 1000;
        backend.recordSuccess();
        client.writeRawToClient(TunnelSwitch.connectEstablished());
        client.flushClient();

        client.forgetBackend(c.channel);
        holdForUpgrade = false;
        clientPaused = false;
        // What the client sent before the 200 (a client that does not wait) is relayed first.
        TunnelRelay t = TunnelSwitch.installAfterConnect(client.channel, c.channel, listener.idleNanos(), this,
                client.takePipelined());
        tunnel = t;
        t.start();
    }

    @Override
    public void tunnelClosed(TunnelRelay t) {
        bytesIn += t.bytesFromClient();
        bytesOut += t.bytesFromBackend();
        if (error == null) {
            error = t.error;
        }
        finish(true);
    }

    void onBackendReadComplete() {
        client.flushClient();
    }

    private void responseComplete() {
        // The backend's read-complete event comes after the connection went back to its pool: flush now.
        client.flushClient();
        long now = System.nanoTime(); // one clock read for the pool and the exchange's end
        BackendConnection c = conn;
        conn = null;
        if (c != null) {
            c.owner = null;
            if (!c.channel.config().isAutoRead()) {
                c.channel.config().setAutoRead(true);
            }
            if (backendKeepAlive && requestComplete) {
                client.backendPool.release(c, pool, now);
            } else {
                c.channel.close();
            }
        }
        finish(closeClient || !requestComplete, now);
    }

    /** The backend connection closed or failed while this request used it. */
    void onBackendClosed(BackendConnection c, Throwable cause) {
        if (c != conn || done) {
            return;
        }
        conn = null;
        client.forgetBackend(c.channel);
        if (!responseStarted) {
            boolean reused = c.uses > 1;
            boolean retryable = pool.config().retries().onReset() && isIdempotent() && !hasBody;
            String why = (cause == null ? "backend " + backend.address() + " closed the connection"
                    : "backend " + backend.address() + " failed: " + rootMessage(cause)) + " before responding";
            // A pooled connection the backend had already closed is not the backend's fault.
            failAttempt(why, !reused, retryable);
        } else {
            error = "backend " + backend.address() + " closed mid-response";
            failed = true;
            pool.recordFailure(backend, System.nanoTime(), error);
            finish(true);
            client.closeClient();
        }
    }

    private boolean isIdempotent() {
        HttpMethod m = request.method();
        return m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.OPTIONS)
                || m.equals(HttpMethod.PUT) || m.equals(HttpMethod.DELETE) || m.equals(HttpMethod.TRACE);
    }

    // ---- timeouts -------------------------------------------------------------------------------

    /** The earliest moment one of this exchange's timeouts can expire. */
    long nextDeadline() {
        long next = Long.MAX_VALUE;
        if (tunnel != null) {
            return next; // a tunnel has its own idle timer
        }
        long req = listener.requestNanos();
        if (req > 0) {
            next = startNanos + req;
        }
        if (waiting && pool != null) {
            next = Math.min(next, queuedAtNanos + pool.queueTimeoutNanos());
        }
        if (!responseStarted && requestSentNanos != 0 && pool != null && pool.responseTimeoutNanos() > 0) {
            next = Math.min(next, requestSentNanos + pool.responseTimeoutNanos());
        }
        return next;
    }

    void checkTimeouts(long now) {
        if (done || tunnel != null) {
            return;
        }
        if (waiting && now - queuedAtNanos >= pool.queueTimeoutNanos()) {
            waiting = false;
            pool.queue().remove(this);
            respondError(HttpResponseStatus.SERVICE_UNAVAILABLE, "timed out waiting for a backend",
                    false);
            return;
        }
        long req = listener.requestNanos();
        boolean requestExpired = req > 0 && now - startNanos >= req;
        boolean responseExpired = !responseStarted && requestSentNanos != 0 && pool.responseTimeoutNanos() > 0
                && now - requestSentNanos >= pool.responseTimeoutNanos();
        if (!requestExpired && !responseExpired) {
            return;
        }
        if (waiting) {
            waiting = false;
            pool.queue().remove(this);
        }
        if (responseStarted) {
            error = "request timeout while relaying the response";
            failed = true;
            abandonBackend();
            finish(true);
            client.closeClient();
            return;
        }
        // The backend is late only once it has the whole request, or while it holds the upload back
        // (not reading); a client still sending its body is the client's delay, not the backend's.
        boolean backendSlow = backend != null && (connecting || conn != null
                && (requestSentNanos != 0 || !conn.channel.isWritable()));
        if (responseExpired && !requestExpired && retryOnResponseTimeout()) {
            abandonBackend();
            failAttempt("backend " + backend.address() + " did not answer in time", true, true,
                    HttpResponseStatus.GATEWAY_TIMEOUT);
            return;
        }
        abandonBackend();
        if (pool != null && backend == null) {
            respondError(HttpResponseStatus.SERVICE_UNAVAILABLE, "timed out waiting for a backend",
                    true);
        } else if (backendSlow) {
            String why = "backend " + backend.address() + " did not answer in time";
            pool.recordFailure(backend, now, why);
            respondError(HttpResponseStatus.GATEWAY_TIMEOUT, why, true);
        } else {
            respondError(HttpResponseStatus.REQUEST_TIMEOUT, "request not completed in time", true);
        }
    }

    /**
     * Whether a response timeout may try another backend: the pool allows it, the request is
     * idempotent and has no body (it can be sent again as it was), and attempts are left.
     */
    private boolean retryOnResponseTimeout() {
        var retries = pool.config().retries();
        return retries.onResponseTimeout() && isIdempotent() && !hasBody && mayRetry(retries.attempts());
    }

    // ---- the proxy's own answers ----------------------------------------------------------------

    /**
     * Refuses a request found unacceptable before routing (malformed, a refused check, a header
     * that never came): nothing more of it is read as a body, and the connection closes.
     */
    void refuse(HttpResponseStatus status, String reason) {
        requestComplete = true;
        respondError(status, reason, true);
    }

    /**
     * Answers with a response Fulcrum produced itself and finishes the exchange.
     *
     * @param close close the connection after it (always for malformed input)
     */
    void respondError(HttpResponseStatus status, String detail, boolean close) {
        respondError(status, detail, close, null);
    }

    /** As above, with a {@code Location} header when {@code location} is not null (a hand-off redirect). */
    private void respondError(HttpResponseStatus status, String detail, boolean close, String location) {
        failed = true;
        if (responseStarted) {
            // Part of a response already went out: the only honest signal left is closing.
            error = error == null ? detail : error;
            finish(true);
            return;
        }
        // A request whose body is still arriving cannot be told apart from the next one: close. So is
        // a CONNECT that got no tunnel: a client may have sent tunnel bytes right after it.
        boolean mustClose = close || client.closesAfterCurrent() || !clientKeepAlive || (hasBody && !requestComplete)
                || isConnect();
        this.status = status.code();
        error = detail;
        responseStarted = true;
        FullHttpResponse r = ErrorResponses.of(status, listener.errorPages(), mustClose);
        if (location != null) {
            r.headers().set(HttpHeaderNames.LOCATION, location);
        }
        bytesOut = r.content().readableBytes();
        client.writeOwnResponse(r, mustClose);
        finish(mustClose);
    }

    // ---- the end --------------------------------------------------------------------------------

    /** The client went away: give everything back. */
    void clientClosed() {
        if (done || tunnel != null) {
            // A tunnel sees the close itself and ends the exchange once both sides are closed.
            return;
        }
        if (status == 0) {
            status = 499; // as NGINX logs it: the client closed the connection first
        }
        if (waiting) {
            waiting = false;
            pool.queue().remove(this);
        }
        abandonBackend();
        error = error == null ? "client closed the connection" : error;
        abandonedByClient = true;
        finish(true);
    }

    /**
     * Ends the exchange once: counters, access log, and the client connection's next step.
     *
     * @param close whether the client connection must close
     */
    void finish(boolean close) {
        finish(close, System.nanoTime());
    }

    /** As {@link #finish(boolean)}, at {@code now} (the caller's clock reading). */
    private void finish(boolean close, long now) {
        if (done) {
            return;
        }
        done = true;
        closeClient |= close;
        holdForUpgrade = false;
        if (bodyBuffer != null) {
            HttpContent part;
            while ((part = bodyBuffer.poll()) != null) {
                part.release();
            }
        }
        releaseCount();
        if (clientPaused) {
            resumeClient();
        }
        AccessLog log = client.slot().accessLog();
        if (log != null && log.enabled()) {
            String clientForLog = client.remote == null ? "-" : client.clientIp() + ":" + client.remote.getPort();
            if (!abandonedByClient || client.logAbandoned(now, clientForLog)) {
                logRecord(log, now, clientForLog);
            }
        }
        client.slot().counters().finished(status, bytesIn, bytesOut, failed);
        if (backend != null) {
            backend.counters().finished(status, bytesIn, bytesOut);
        }
        ExchangeObserver observer = client.slot().observer();
        if (observer != null) {
            observer.exchangeFinished(listener, route, backend, status, now - startNanos, backendMicros, bytesIn, bytesOut);
        }
        client.exchangeFinished(this, closeClient, now);
    }

    private void logRecord(AccessLog log, long now, String clientForLog) {
        // The wall-clock start, derived only when logged: one clock read less per request.
        long startMillis = System.currentTimeMillis() - (now - startNanos) / 1_000_000;
        HttpHeaders h = request == null ? null : request.headers();
        String userAgent = null;
        String referer = null;
        if (h != null && log.showsHeaders()) {
            userAgent = h.get(HttpHeaderNames.USER_AGENT);
            referer = h.get(HttpHeaderNames.REFERER);
        }
        String tlsVersion = null;
        String sni = null;
        if (log.showsTls()) {
            tlsVersion = client.tlsVersion();
            sni = client.sni();
        }
        log.log(new AccessRecord(startMillis, clientForLog, listener.name(), route == null ? null : route.name(),
                method, uri, protocol, host, status, bytesIn, bytesOut,
                backend == null ? null : backend.pool(), backend == null ? null : backend.name(),
                backend == null ? null : backend.address(), attempts(), (now - startNanos) / 1000,
                connectMicros, backendMicros, requestId, userAgent, referer, tlsVersion, sni, error));
    }

    // ---- PickContext (the pick time is RetryState's) ----------------------------------------------------------------------------

    @Override
    public byte[] clientAddress() {
        return client.clientAddress;
    }

    @Override
    public String header(String name) {
        return request.headers().get(name);
    }

    @Override
    public String cookie(String name) {
        for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
            String v = CookieValues.find(header, name);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
