package io.fulcrum.proxy.http;

import io.fulcrum.core.config.ConnectConfig;
import io.fulcrum.proxy.runtime.ListenerRuntime;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One client connection of an HTTP listener. It checks each decoded request,
 * keeps pipelined requests in order (one {@link Exchange} at a time), runs the
 * connection's timeouts on a single re-armed timer, and writes the responses
 * Fulcrum itself produces.
 *
 * <p>On HTTP/2 there is one per stream, outside any pipeline ({@link #forStream}): the
 * stream's connection hands it the request and it answers through a {@link ClientStream}.
 *
 * <p>Everything here runs on the connection's event loop.
 */
public final class HttpProxyHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HttpProxyHandler.class);
    /** Pipelined messages buffered before reading pauses. */
    private static final int MAX_PIPELINED = 64;

    private final ListenerSlot slot;
    final BackendConnectionPool backendPool;

    ChannelHandlerContext ctx;
    Channel channel;
    byte[] clientAddress;
    InetSocketAddress remote;
    private String clientIp;

    private Exchange current;
    /** Reused for every request head on this connection (one request is scanned at a time). */
    final HeaderScan requestScan = new HeaderScan();
    /** Reused for every response head on this connection. */
    final HeaderScan responseScan = new HeaderScan();
    private ArrayDeque<Object> pipelined;
    private boolean pausedForPipelining;
    private boolean inReadBatch;
    private Channel backendToFlush;
    private Exchange toDispatch;
    private boolean closeWhenIdle;
    /** The connection is being closed after its last response: anything still read is dropped. */
    private boolean closing;
    /** Whether this connection was counted against the listener's connection limit. */
    private boolean countedOpen;

    /* Timeouts: a single timer per connection, re-armed lazily (see armTimerBy). */
    private boolean awaitingHeaders;
    private long idleSinceNanos;
    private long headersSinceNanos;
    private ScheduledFuture<?> timer;
    private long timerAtNanos;

    /**
     * Installs the client-side pipeline for a new connection of the listener.
     *
     * @param ch          the accepted connection
     * @param slot        the listener it belongs to
     * @param backendPool the backend connection pool of the connection's event loop
     */
    public static void install(Channel ch, ListenerSlot slot, BackendConnectionPool backendPool) {
        ListenerRuntime lr = slot.runtime();
        HttpProxyHandler handler = new HttpProxyHandler(slot, backendPool);
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(lr.config().limits().maxRequestLineBytes())
                .setMaxHeaderSize(lr.config().limits().maxHeaderBytes())
                .setMaxChunkSize(65536)
                .setAllowDuplicateContentLengths(false)
                .setUseRfc9112TransferEncoding(true)
                .setStrictLineParsing(true);
        ChannelPipeline p = ch.pipeline();
        p.addLast("marker", new ClientReadMarker(handler));
        Http1ServerCodec codec = new Http1ServerCodec(decoder);
        handler.codec = codec;
        p.addLast("codec", codec);
        p.addLast("proxy", handler);
        if (lr.config().acceptProxyProtocol()) {
            ProxyProtocolSupport.accept(ch, handler);
        }
    }

    /** The client as a PROXY protocol header named it: used instead of the TCP peer from now on. */
    void proxiedClient(InetSocketAddress client) {
        remote = client;
        clientAddress = client.getAddress().getAddress();
        clientIp = null;
    }

    /**
     * The request handling of one HTTP/2 stream, which is not a channel: its HTTP/2 connection
     * hands it the stream's request as HTTP objects ({@link #streamRead}, {@link #streamReadComplete})
     * and its end ({@link #streamClosed}), and it answers through {@code stream}. The connection is
     * counted by its HTTP/2 handlers, not here.
     *
     * @param connection the client connection the stream belongs to (its event loop, allocator, peer)
     */
    public static HttpProxyHandler forStream(Channel connection, ListenerSlot slot, BackendConnectionPool backendPool,
                                             AbandonedStreamLog abandonedLog, ClientStream stream) {
        HttpProxyHandler handler = new HttpProxyHandler(slot, backendPool);
        handler.h2 = stream;
        handler.abandonedLog = abandonedLog;
        handler.channel = connection;
        handler.remote = (InetSocketAddress) connection.remoteAddress();
        handler.clientAddress = handler.remote.getAddress().getAddress();
        // No idle timer yet: the stream's request is handed over at once, and its exchange arms the timer.
        return handler;
    }

    /** The HTTP/2 stream this handler serves instead of a connection (not counted as one); else null. */
    private ClientStream h2;
    /** On an HTTP/2 stream: its connection's bound on log lines for abandoned streams; else null. */
    private AbandonedStreamLog abandonedLog;
    /** The HTTP/1.x codec of this connection; null on an HTTP/2 stream. */
    private Http1ServerCodec codec;

    private HttpProxyHandler(ListenerSlot slot, BackendConnectionPool backendPool) {
        this.slot = slot;
        this.backendPool = backendPool;
    }

    ListenerSlot slot() {
        return slot;
    }

    // ---- connection lifecycle -------------------------------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.channel = ctx.channel();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!slot.tryOpen()) {
            LOG.debug("listener {} at its connection limit; closing {}", slot.runtime().name(), ctx.channel());
            countedOpen = false;
            ctx.close();
            return;
        }
        countedOpen = true;
        remote = (InetSocketAddress) ctx.channel().remoteAddress();
        clientAddress = remote.getAddress().getAddress();
        enterIdle(System.nanoTime());
        ctx.fireChannelActive();
    }

    /** Removed from a live connection (an h2c upgrade): its successor counts the connection from now on. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (countedOpen) {
            countedOpen = false;
            slot.closed();
        }
        cancelTimer();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        streamClosed();
    }

    /** The connection (HTTP/1.x) or the stream (HTTP/2: both ends done, or reset) is gone. */
    public void streamClosed() {
        if (countedOpen) {
            countedOpen = false;
            slot.closed();
        }
        cancelTimer();
        Exchange ex = current;
        current = null;
        if (ex != null && !ex.finished()) {
            ex.clientClosed();
        }
        releasePipelined();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Client-side I/O errors (resets) are ordinary; the connection is simply closed.
        LOG.debug("client connection {} failed: {}", ctx.channel(), cause.toString());
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ShutdownEvent.INSTANCE) {
            closeWhenIdle = true;
            if (current == null) {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** Asks a connection to close once its request in flight (if any) is answered. */
    public enum ShutdownEvent {
        INSTANCE
    }

    // ---- reading --------------------------------------------------------------------------------

    /** Called by {@link ClientReadMarker} for every read: starts the header timer of a new request. */
    void bytesArrived() {
        if (current == null && !awaitingHeaders) {
            awaitingHeaders = true;
            headersSinceNanos = System.nanoTime();
            clockOfThisRead = true;
        }
    }

    /** {@link #headersSinceNanos} was read during the current read: a request decoded from it may reuse it. */
    private boolean clockOfThisRead;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        streamRead(msg);
    }

    /** One decoded part of the request (head, body part, end); on HTTP/2, from the stream's frames. */
    public void streamRead(Object msg) {
        inReadBatch = true;
        if (closing) {
            // Requests pipelined after one that closes the connection are never served.
            ReferenceCountUtil.release(msg);
            return;
        }
        Exchange ex = current;
        if (ex == null) {
            dispatch(msg);
        } else if (!ex.requestComplete() && msg instanceof HttpContent content) {
            ex.onRequestBody(content);
        } else {
            queuePipelined(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        streamReadComplete();
    }

    /** The end of a read batch that delivered parts of this request: the exchange is dispatched now. */
    public void streamReadComplete() {
        inReadBatch = false;
        clockOfThisRead = false;
        Exchange ex = toDispatch;
        if (ex != null) {
            toDispatch = null;
            ex.dispatch();
        }
        flushBackend();
        DeferredFlush.flushLater(channel);
    }

    private void dispatch(Object msg) {
        if (msg instanceof HttpRequest request) {
            awaitingHeaders = false;
            startRequest(request);
        } else {
            // Leftovers of a request that was already refused (its body, or the decoder's trailing
            // content after a bad message): nothing to do but release them.
            ReferenceCountUtil.release(msg);
        }
    }

    private void queuePipelined(Object msg) {
        if (pipelined == null) {
            pipelined = new ArrayDeque<>(4);
        }
        pipelined.add(msg);
        if (pipelined.size() >= MAX_PIPELINED && !pausedForPipelining) {
            pausedForPipelining = true;
            setReading(false);
        }
    }

    private void drainPipelined() {
        while (current == null && !closing && pipelined != null && !pipelined.isEmpty() && isOpen()) {
            dispatch(pipelined.poll());
            // Body parts of the request just started belong to it.
            while (current != null && !current.requestComplete() && pipelined != null && !pipelined.isEmpty()
                    && pipelined.peek() instanceof HttpContent) {
                current.onRequestBody((HttpContent) pipelined.poll());
            }
        }
        if (pausedForPipelining && (pipelined == null || pipelined.size() < MAX_PIPELINED / 2)) {
            pausedForPipelining = false;
            setReading(true);
        }
    }

    /** Whether messages read after the current request are waiting. */
    boolean hasPipelined() {
        return pipelined != null && !pipelined.isEmpty();
    }

    /**
     * A CONNECT was accepted: the HTTP decoder is removed, so what the client sends after the
     * head (already read, or still to come) is never parsed as HTTP. Those bytes reach this
     * handler raw and wait with the pipelined messages until the tunnel takes them.
     */
    void stopDecoding() {
        if (codec != null) {
            codec.removeInboundHandler();
        }
    }

    /** Takes what was read after the current request (see {@link #stopDecoding}); null when nothing was. */
    ArrayDeque<Object> takePipelined() {
        ArrayDeque<Object> q = pipelined;
        pipelined = null;
        pausedForPipelining = false;
        return q;
    }

    private void releasePipelined() {
        if (pipelined != null) {
            Object m;
            while ((m = pipelined.poll()) != null) {
                ReferenceCountUtil.release(m);
            }
        }
    }

    // ---- requests -------------------------------------------------------------------------------

    private void startRequest(HttpRequest request) {
        long now;
        if (clockOfThisRead) {
            // The request's bytes arrived in this very read, microseconds ago: one clock read less.
            clockOfThisRead = false;
            now = headersSinceNanos;
        } else {
            now = System.nanoTime();
        }
        ListenerRuntime lr = slot.runtime();
        Exchange ex = new Exchange(this, lr, request, now);
        current = ex;
        if (codec != null) {
            codec.answeringHead = HttpMethod.HEAD.equals(request.method());
        }
        DecoderResult dr = request.decoderResult();
        if (dr.isFailure()) {
            ex.refuse(statusFor(dr.cause()), messageFor(dr.cause())); // the decoder discards the rest of the input
            return;
        }
        requestScan.scan(request.headers());
        RequestChecks.Refusal refusal = RequestChecks.refusal(request, requestScan, h2 != null, lr.config().connect());
        if (refusal != null) {
            ex.refuse(refusal.status(), refusal.reason());
            return;
        }
        armTimerBy(ex.nextDeadline());
        ex.start();
    }

    static HttpResponseStatus statusFor(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }

    private static String messageFor(Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            return cause instanceof TooLongHttpHeaderException ? "header section too large" : "request line too long";
        }
        return "malformed request";
    }

    // ---- writing --------------------------------------------------------------------------------

    /** Writes (without flushing) to the client; the batch is flushed at the end of the backend's read. */
    void writeToClient(HttpObject msg) {
        if (h2 != null) {
            h2.write(msg);
        } else {
            ctx.write(msg, ctx.voidPromise());
        }
    }

    /** Whether relayed responses may be written as bytes (an HTTP/1.x connection, not an HTTP/2 stream). */
    boolean rawResponses() {
        return codec != null;
    }

    /** Writes (without flushing) ready-made response bytes to the client; the codec lets them through. */
    void writeRawToClient(io.netty.buffer.ByteBuf bytes) {
        ctx.write(bytes, ctx.voidPromise());
    }

    void flushClient() {
        DeferredFlush.flushLater(channel);
    }

    /**
     * Notes that a backend channel has unflushed writes. Inside a client read batch the
     * flush waits for the batch's end, so a request found malformed later in the same
     * batch can still be stopped before any of it reaches the backend.
     */
    void backendWritten(Channel backend) {
        if (inReadBatch) {
            if (backendToFlush != null && backendToFlush != backend) {
                DeferredFlush.flushLater(backendToFlush);
            }
            backendToFlush = backend;
        } else {
            DeferredFlush.flushLater(backend);
        }
    }

    /**
     * Sends an exchange to its backend once the current read batch has been decoded
     * whole: a request found malformed later in the same batch (a bad chunk, say)
     * then never causes a backend connection at all.
     */
    void dispatchAtBatchEnd(Exchange ex) {
        if (inReadBatch) {
            toDispatch = ex;
        } else {
            ex.dispatch();
        }
    }

    /** Drops unflushed writes to a backend channel that is being abandoned. */
    void forgetBackend(Channel backend) {
        if (backendToFlush == backend) {
            backendToFlush = null;
        }
    }

    private void flushBackend() {
        Channel b = backendToFlush;
        if (b != null) {
            backendToFlush = null;
            DeferredFlush.flushLater(b);
        }
    }

    /** Whether the connection closes after the exchange in flight anyway (shutdown, or the listener drains). */
    boolean closesAfterCurrent() {
        return closeWhenIdle || slot.draining();
    }

    /** Writes and flushes a response Fulcrum produced itself; the connection closes after it when {@code close}. */
    void writeOwnResponse(FullHttpResponse r, boolean close) {
        if (h2 != null) {
            h2.write(r);
            DeferredFlush.flushLater(channel);
            if (close) {
                h2.close();
            }
        } else if (close) {
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(r, ctx.voidPromise());
        }
    }

    /**
     * The current exchange is over (response sent, or aborted).
     *
     * @param close whether the client connection must close
     */
    void exchangeFinished(Exchange ex, boolean close, long nowNanos) {
        if (current != ex) {
            return;
        }
        if (close || closeWhenIdle || slot.draining()) {
            // Read nothing more; whatever the last response was, it was written before this close.
            closing = true;
            current = null;
            releasePipelined();
            if (h2 != null) {
                DeferredFlush.flushLater(channel);
                h2.close();
            } else if (channel.isActive()) {
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        if (!ex.requestComplete()) {
            // Response finished before the request body: keep the exchange until the body's end so its
            // remaining parts are not mistaken for a new request; finish() is called again then.
            return;
        }
        current = null;
        enterIdle(nowNanos);
        drainPipelined();
    }

    /** The request body of the current exchange has fully arrived. */
    void requestBodyComplete(Exchange ex) {
        if (ex.finished() && current == ex) {
            // The response went out first (an early answer or a refusal); now the connection is free.
            exchangeFinished(ex, ex.closesClient(), System.nanoTime());
        }
    }

    /** Closes the client connection at once (used when a response cannot be completed). */
    void closeClient() {
        if (h2 != null) {
            h2.close();
        } else {
            ctx.close();
        }
    }

    /** Tells the client to send its request body now ({@code 100 Continue}), flushed. */
    void sendContinue() {
        if (h2 != null) {
            h2.write(ExpectContinue.response());
            DeferredFlush.flushLater(channel);
        } else {
            ExpectContinue.send(ctx);
        }
    }

    /** Whether the connection or stream is still open. */
    private boolean isOpen() {
        return h2 != null ? h2.isOpen() : channel.isActive();
    }

    /** Whether the client may take more response bytes now (its connection's buffer, or its stream's window). */
    boolean clientWritable() {
        return h2 != null ? h2.isWritable() : channel.isWritable();
    }

    /**
     * Whether the access record of a request the client abandoned is written on its own: always
     * on HTTP/1.x, within its connection's bound on an HTTP/2 stream ({@link AbandonedStreamLog}).
     */
    boolean logAbandoned(long nowNanos, String clientForLog) {
        return abandonedLog == null || abandonedLog.admit(nowNanos, clientForLog);
    }

    /** The client connection's TLS protocol (e.g. {@code TLSv1.3}), or null on plain HTTP; read once per connection. */
    String tlsVersion() {
        readTls();
        return tlsVersion;
    }

    /** The server name the client sent in its TLS handshake, or null; read once per connection. */
    String sni() {
        readTls();
        return sni;
    }

    private boolean tlsRead;
    private String tlsVersion;
    private String sni;

    private void readTls() {
        if (tlsRead) {
            return;
        }
        // channel is the client connection on HTTP/2 too (a stream is not a channel).
        io.netty.handler.ssl.SslHandler ssl = channel.pipeline().get(io.netty.handler.ssl.SslHandler.class);
        if (ssl == null) {
            tlsRead = true; // plain HTTP (or not yet past the handshake, which cannot carry a request)
            return;
        }
        javax.net.ssl.SSLSession session = ssl.engine().getSession();
        if (session == null || "NONE".equals(session.getProtocol())) {
            return;
        }
        tlsVersion = session.getProtocol();
        if (session instanceof javax.net.ssl.ExtendedSSLSession ext) {
            for (javax.net.ssl.SNIServerName name : ext.getRequestedServerNames()) {
                if (name instanceof javax.net.ssl.SNIHostName host) {
                    sni = host.getAsciiName();
                }
            }
        }
        tlsRead = true;
    }

    String clientIp() {
        String ip = clientIp;
        if (ip == null) {
            ip = remote.getAddress().getHostAddress();
            clientIp = ip;
        }
        return ip;
    }

    // ---- flow control ---------------------------------------------------------------------------

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Exchange ex = current;
        if (ex != null) {
            ex.onClientWritabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** The stream's window opened or filled up (HTTP/2's counterpart of channel writability). */
    public void streamWritabilityChanged(boolean writable) {
        Exchange ex = current;
        if (ex != null) {
            ex.onClientWritabilityChanged(writable);
        }
    }

    /** Stops or resumes reading from the client (request body backpressure). */
    void setClientReading(boolean on) {
        if (!on || !pausedForPipelining) {
            setReading(on);
        }
    }

    private void setReading(boolean on) {
        if (h2 != null) {
            h2.setReading(on);
        } else {
            channel.config().setAutoRead(on);
        }
    }

    // ---- timeouts -------------------------------------------------------------------------------

    private void enterIdle(long nowNanos) {
        idleSinceNanos = nowNanos;
        awaitingHeaders = false;
        ListenerRuntime lr = slot.runtime();
        long idle = lr.idleNanos();
        long header = lr.headerReadNanos();
        // Re-check at least every header-read period so a request that starts arriving is timed too.
        long step = idle > 0 && header > 0 ? Math.min(idle, header) : Math.max(idle, header);
        if (step > 0) {
            armTimerBy(nowNanos + step);
        }
    }

    /** Makes sure the timer fires no later than {@code deadline}; a later existing timer is moved earlier. */
    void armTimerBy(long deadline) {
        if (deadline == Long.MAX_VALUE) {
            return;
        }
        if (timer != null) {
            if (timerAtNanos - deadline <= 0) {
                return;
            }
            timer.cancel(false);
        }
        timerAtNanos = deadline;
        long delay = Math.max(0, deadline - System.nanoTime());
        timer = channel.eventLoop().schedule(this::onTimer, delay, TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void onTimer() {
        timer = null;
        if (!isOpen()) {
            return;
        }
        long now = System.nanoTime();
        ListenerRuntime lr = slot.runtime();
        Exchange ex = current;
        long next;
        if (ex != null) {
            ex.checkTimeouts(now);
            if (current != ex || ex.finished()) {
                return; // the exchange ended; its end re-armed the timer as needed
            }
            next = ex.nextDeadline();
        } else if (awaitingHeaders) {
            long header = lr.headerReadNanos();
            if (header > 0 && now - headersSinceNanos >= header) {
                Exchange timedOut = new Exchange(this, lr, null, now);
                current = timedOut;
                if (codec != null) {
                    codec.answeringHead = false;
                }
                timedOut.refuse(HttpResponseStatus.REQUEST_TIMEOUT, "request header not received in time");
                return;
            }
            next = header > 0 ? headersSinceNanos + header : Long.MAX_VALUE;
        } else {
            long idle = lr.idleNanos();
            if (idle > 0 && now - idleSinceNanos >= idle) {
                closeClient();
                return;
            }
            long header = lr.headerReadNanos();
            next = idle > 0 ? idleSinceNanos + idle : Long.MAX_VALUE;
            if (header > 0) {
                next = Math.min(next, now + header);
            }
        }
        armTimerBy(next);
    }

    /** Request checks beyond what the decoder enforces (kept in one place for review). */
    static final class RequestChecks {

        /** A request refused before routing: the status and the reason given to the client and the log. */
        record Refusal(HttpResponseStatus status, String reason) {
        }

        private static final Refusal BAD_VERSION = new Refusal(HttpResponseStatus.BAD_REQUEST, "bad HTTP version");
        private static final Refusal UNSUPPORTED_VERSION = new Refusal(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
                "only HTTP/1.0 and HTTP/1.1 are accepted here");
        private static final Refusal CONNECT = new Refusal(HttpResponseStatus.NOT_IMPLEMENTED,
                "CONNECT is not supported");
        private static final Refusal CONNECT_OVER_HTTP2 = new Refusal(HttpResponseStatus.NOT_IMPLEMENTED,
                "CONNECT is not supported over HTTP/2; use HTTP/1.1");
        private static final Refusal SEVERAL_HOSTS = bad("several Host headers");
        private static final Refusal NO_HOST = bad("missing Host header");
        private static final Refusal LENGTH_AND_CODING = bad("both Content-Length and Transfer-Encoding");
        private static final Refusal SEVERAL_CODINGS = bad("several Transfer-Encoding headers");
        private static final Refusal NOT_JUST_CHUNKED = bad("transfer coding other than chunked");
        private static final Refusal SEVERAL_LENGTHS = bad("several Content-Length headers");

        private RequestChecks() {
        }

        private static Refusal bad(String reason) {
            return new Refusal(HttpResponseStatus.BAD_REQUEST, reason);
        }

        /**
         * Why the request is refused, or null when it is acceptable. An acceptable absolute-form
         * target has been rewritten to origin-form with its authority as Host ({@link RequestTarget}).
         *
         * A CONNECT is accepted only over HTTP/1.x on a listener that opted in ({@link ConnectTarget}).
         *
         * @param http2   the request came on an HTTP/2 stream
         * @param connect the listener's CONNECT setting
         */
        static Refusal refusal(HttpRequest request, HeaderScan scan, boolean http2, ConnectConfig connect) {
            if (!http2) {
                // The decoder hands out its two constants only for the exact "HTTP/1.0" and "HTTP/1.1"; anything
                // else ("http/1.1", "HTTP/1.2") is a new instance. Other major versions (the HTTP/2 preface's
                // "PRI * HTTP/2.0", "HTTP/9.9") are not HTTP/1 at all and must not be rewritten to it.
                HttpVersion v = request.protocolVersion();
                if (v != HttpVersion.HTTP_1_1 && v != HttpVersion.HTTP_1_0) {
                    return v.majorVersion() == 1 ? BAD_VERSION : UNSUPPORTED_VERSION;
                }
            }
            if (scan.hostCount > 1) {
                return SEVERAL_HOSTS;
            }
            if (scan.hostCount == 0 && request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
                return NO_HOST;
            }
            if (HttpMethod.CONNECT.equals(request.method())) {
                // Never forwarded: that would let the next hop open a tunnel no one configured.
                if (!connect.enabled()) {
                    return CONNECT;
                }
                if (http2) {
                    return CONNECT_OVER_HTTP2; // RFC 9113 section 8.5 tunnels are not offered
                }
                ConnectTarget.Outcome o = ConnectTarget.check(request, scan, connect);
                if (o.problem() == null) {
                    return null;
                }
                return new Refusal(o.problem() == ConnectTarget.Problem.PORT_NOT_ALLOWED
                        ? HttpResponseStatus.FORBIDDEN : HttpResponseStatus.BAD_REQUEST, o.reason());
            }
            // The decoder already refuses these shapes; checking again costs little and guards against a
            // change of decoder settings opening a request-smuggling hole.
            if (scan.transferEncoding && scan.contentLengthCount > 0) {
                return LENGTH_AND_CODING;
            }
            // Only "chunked" alone is unambiguous: "gzip, chunked", "identity, chunked" or two headers may be
            // framed differently by the next hop, and Fulcrum decodes no other coding anyway.
            if (scan.transferEncodingCount > 1) {
                return SEVERAL_CODINGS;
            }
            if (scan.transferEncoding && !scan.onlyChunked()) {
                return NOT_JUST_CHUNKED;
            }
            if (scan.contentLengthCount > 1) {
                return SEVERAL_LENGTHS;
            }
            String target = RequestTarget.normalize(request, scan, http2);
            return target == null ? null : bad(target);
        }
    }
}
