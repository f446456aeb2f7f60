package io.fulcrum.proxy.http2;

import io.fulcrum.core.config.Http2Config;
import io.fulcrum.proxy.http.BackendConnectionPool;
import io.fulcrum.proxy.http.HttpProxyHandler;
import io.fulcrum.proxy.http.ListenerSlot;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;
import io.netty.handler.codec.http2.InboundHttpToHttp2Adapter;

/**
 * An HTTP/2 connection from a client, served without a channel per stream: Netty's connection
 * handler decodes the frames (HPACK, flow control, stream states, the protocol's limits) and
 * calls this class, which hands each stream's request straight to its own
 * {@link HttpProxyHandler} as HTTP objects and writes the responses through the encoder
 * ({@link RequestStream}).
 *
 * <p>Per read batch: every stream that received frames gets its end-of-batch call (its exchange
 * is dispatched to a backend then), and the connection is flushed once.
 *
 * <p>Flow control: request body bytes are given back to the client's windows as soon as they
 * were handed on, unless the stream's backend is not taking more (the exchange paused reading);
 * then they stay unconsumed, the stream's window closes, and they are consumed when reading
 * resumes. The connection window is opened to the sum of the stream windows so that a paused
 * stream never holds the others up.
 */
final class Http2ClientConnection extends Http2ConnectionHandler implements Http2FrameListener {

    /** The version shown for requests that arrived over HTTP/2 (access log, {@code Via}). */
    static final HttpVersion HTTP_2 = new HttpVersion("HTTP", 2, 0, true);

    private static final CharSequence[] EXTENSION_HEADERS = {
            ExtensionHeaderNames.STREAM_ID.text(), ExtensionHeaderNames.SCHEME.text(),
            ExtensionHeaderNames.PATH.text(), ExtensionHeaderNames.STREAM_PROMISE_ID.text(),
            ExtensionHeaderNames.STREAM_DEPENDENCY_ID.text(), ExtensionHeaderNames.STREAM_WEIGHT.text(),
            ExtensionHeaderNames.PROTOCOL.text()};

    /**
     * The socket's write buffer bounds, wider than Netty's 32/64 KiB: the remote flow controller
     * writes no more than the socket admits before it turns unwritable, and every turn tells each
     * active stream (each pauses or resumes its backend's reads). One connection carries up to
     * {@code maxConcurrentStreams} responses, so 64 KiB turned it over several times per window's
     * worth of DATA; 1 MiB is Envoy's default per-connection buffer limit.
     */
    private static final WriteBufferWaterMark WRITE_BUFFER = new WriteBufferWaterMark(512 * 1024, 1024 * 1024);

    private final ListenerSlot slot;
    private final BackendConnectionPool backendPool;
    private final Http2ConnectionGuard guard;
    /** Where each Netty stream keeps its {@link RequestStream}. */
    private final Http2Connection.PropertyKey streamKey;
    private ChannelHandlerContext ctx;
    /** Streams that received frames in the current read batch, linked through {@link RequestStream#nextInBatch}. */
    private RequestStream batch;
    /** The h2c upgrade request is being replayed as stream 1: its body never passed the flow controller. */
    private boolean replayingUpgrade;

    private Http2ClientConnection(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
                                  Http2Settings settings, ListenerSlot slot, BackendConnectionPool backendPool,
                                  Http2ConnectionGuard guard) {
        super(decoder, encoder, settings);
        this.slot = slot;
        this.backendPool = backendPool;
        this.guard = guard;
        this.streamKey = connection().newKey();
        decoder.frameListener(this);
        connection().addListener(new StreamEvents());
        encoder.flowController().listener(this::writabilityChanged);
    }

    /** A server-side connection handler with the listener's HTTP/2 limits. */
    static Http2ClientConnection create(ListenerSlot slot, BackendConnectionPool backendPool,
                                        Http2ConnectionGuard guard) {
        Http2Config cfg = slot.runtime().config().http2();
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(cfg.maxConcurrentStreams())
                .maxHeaderListSize(cfg.maxHeaderListBytes())
                .initialWindowSize(cfg.initialWindowBytes());
        return new Builder(slot, backendPool, guard).build(settings);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        ctx.channel().config().setWriteBufferWaterMark(WRITE_BUFFER);
        super.handlerAdded(ctx); // sends the preface (SETTINGS) on the active connection
        openConnectionWindow(slot.runtime().config().http2());
    }

    /**
     * Widens the connection-level receive window to what all streams' windows add up to: request
     * body bytes a paused stream has not consumed (its backend is slow) count against the connection
     * window too, and with the default 65,535 bytes one slow upload would stop every other stream.
     */
    private void openConnectionWindow(Http2Config cfg) throws Http2Exception {
        long total = (long) cfg.maxConcurrentStreams() * cfg.initialWindowBytes();
        int delta = (int) Math.min(Integer.MAX_VALUE - Http2CodecUtil.DEFAULT_WINDOW_SIZE,
                total - Http2CodecUtil.DEFAULT_WINDOW_SIZE);
        if (delta > 0) {
            decoder().flowController().incrementWindowSize(connection().connectionStream(), delta);
            ctx.flush();
        }
    }

    // ---- the end of a read batch ----------------------------------------------------------------

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        endBatch();
        super.channelReadComplete(ctx); // flushes the connection once: responses, WINDOW_UPDATEs, acks
    }

    private void endBatch() {
        RequestStream s = batch;
        batch = null;
        while (s != null) {
            RequestStream next = s.nextInBatch;
            s.nextInBatch = null;
            s.inBatch = false;
            s.handler.streamReadComplete();
            s = next;
        }
    }

    void readInBatch(RequestStream s) {
        if (!s.inBatch) {
            s.inBatch = true;
            s.nextInBatch = batch;
            batch = s;
        }
    }

    // ---- frames from the client -----------------------------------------------------------------

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                              boolean endOfStream) throws Http2Exception {
        Http2Stream stream = connection().stream(streamId);
        if (stream == null) {
            return; // already closed and forgotten; the decoder answers what needs answering
        }
        RequestStream s = stream.getProperty(streamKey);
        if (s == null) {
            startRequest(stream, headers, endOfStream);
        } else {
            s.trailers(headers, endOfStream);
        }
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                              short weight, boolean exclusive, int padding, boolean endOfStream)
            throws Http2Exception {
        onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }

    /** A new stream: its request head, made the shape an HTTP/1.1 decoder gives, goes to a new handler. */
    private void startRequest(Http2Stream stream, Http2Headers headers, boolean endOfStream) throws Http2Exception {
        int id = stream.id();
        HttpRequest req = HttpConversionUtil.toHttpRequest(id, headers, true);
        HttpHeaders h = req.headers();
        // RFC 9113 section 8.3.1: a proxy serves http and https; any other :scheme is not a request for it.
        String scheme = h.get(ExtensionHeaderNames.SCHEME.text());
        for (CharSequence name : EXTENSION_HEADERS) {
            h.remove(name);
        }
        if (!endOfStream && !HttpUtil.isContentLengthSet(req)) {
            h.add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        req.setProtocolVersion(HTTP_2);
        if (scheme != null && !scheme.equals("http") && !scheme.equals("https")) {
            req.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(":scheme " + scheme)));
        }
        RequestStream s = new RequestStream(this, stream);
        s.handler = HttpProxyHandler.forStream(ctx.channel(), slot, backendPool, guard.abandonedStreamLog(), s);
        stream.setProperty(streamKey, s);
        guard.streamOpened();
        s.deliver(req);
        if (endOfStream) {
            s.deliver(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
        int n = data.readableBytes();
        Http2Stream stream = connection().stream(streamId);
        RequestStream s = stream == null ? null : stream.getProperty(streamKey);
        if (s == null || s.closed) {
            return n + padding;
        }
        s.deliver(endOfStream ? new DefaultLastHttpContent(data.retain()) : new DefaultHttpContent(data.retain()));
        if (s.paused && !replayingUpgrade && !s.closed) {
            // The backend takes no more for now: these bytes stay counted against the client's windows.
            s.unconsumed += n;
            return padding;
        }
        return n + padding;
    }

    @Override
    public void onPriorityRead(ChannelHandlerContext ctx, int streamId, int streamDependency, short weight,
                               boolean exclusive) {
        // Priorities are not used: streams share the connection as Netty's flow controller distributes it.
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
        // The stream is closed by the codec; StreamEvents.onStreamClosed abandons its exchange.
    }

    @Override
    public void onSettingsAckRead(ChannelHandlerContext ctx) {
    }

    @Override
    public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
        // Acknowledged and applied by the codec.
    }

    @Override
    public void onPingRead(ChannelHandlerContext ctx, long data) {
        // Answered by the codec.
    }

    @Override
    public void onPingAckRead(ChannelHandlerContext ctx, long data) {
    }

    @Override
    public void onPushPromiseRead(ChannelHandlerContext ctx, int streamId, int promisedStreamId,
                                  Http2Headers headers, int padding) {
        // A client cannot push; the decoder refuses it as a connection error before this.
    }

    @Override
    public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
        // The codec stops new streams; those in flight finish.
    }

    @Override
    public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) {
        // Applied by the remote flow controller, which reports writability changes (writabilityChanged).
    }

    @Override
    public void onUnknownFrame(ChannelHandlerContext ctx, byte frameType, int streamId, Http2Flags flags,
                               ByteBuf payload) {
        // RFC 9113 section 4.1: unknown frame types are ignored.
    }

    // ---- h2c upgrade, shutdown ------------------------------------------------------------------

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof HttpServerUpgradeHandler.UpgradeEvent upgrade) {
            // The HTTP/1.1 request that asked for h2c is served as stream 1 (already half-closed by the codec).
            try {
                upgrade.upgradeRequest().headers().setInt(ExtensionHeaderNames.STREAM_ID.text(),
                        HTTP_UPGRADE_STREAM_ID);
                replayingUpgrade = true;
                new InboundHttpToHttp2Adapter(connection(), this).channelRead(ctx, upgrade.upgradeRequest().retain());
            } finally {
                replayingUpgrade = false;
                upgrade.release();
            }
            endBatch();
            ctx.flush();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    private static final int HTTP_UPGRADE_STREAM_ID = 1;

    // ---- stream state and writability -----------------------------------------------------------

    private void writabilityChanged(Http2Stream stream) {
        RequestStream s = stream.getProperty(streamKey);
        if (s != null && !s.closed) {
            s.handler.streamWritabilityChanged(encoder().flowController().isWritable(stream));
        }
    }

    /** Follows the codec's stream states: a closed stream ends its request handling. */
    private final class StreamEvents extends Http2ConnectionAdapter {

        @Override
        public void onStreamHalfClosed(Http2Stream stream) {
            RequestStream s = stream.getProperty(streamKey);
            if (s != null && s.resetAfterEnd && stream.state() == Http2Stream.State.HALF_CLOSED_LOCAL) {
                // The response's end has just been written; the request is still arriving. Not from
                // inside the encoder's write: the reset runs as the next task.
                ctx.executor().execute(() -> s.reset(Http2Error.NO_ERROR));
            }
        }

        @Override
        public void onStreamClosed(Http2Stream stream) {
            RequestStream s = stream.getProperty(streamKey);
            if (s != null && !s.closed) {
                s.closed = true;
                guard.streamClosed();
                s.handler.streamClosed();
            }
        }
    }

    // ---- what RequestStream uses ----------------------------------------------------------------

    ChannelHandlerContext context() {
        return ctx;
    }

    /** Netty's builder, used for its defaults (the abuse limits among them) and the listener's settings. */
    private static final class Builder
            extends AbstractHttp2ConnectionHandlerBuilder<Http2ClientConnection, Builder> {

        private final ListenerSlot slot;
        private final BackendConnectionPool backendPool;
        private final Http2ConnectionGuard guard;

        Builder(ListenerSlot slot, BackendConnectionPool backendPool, Http2ConnectionGuard guard) {
            this.slot = slot;
            this.backendPool = backendPool;
            this.guard = guard;
        }

        Http2ClientConnection build(Http2Settings settings) {
            // Graceful close (GOAWAY) waits for the streams in flight; the proxy's own shutdown grace bounds it.
            return server(true)
                    .initialSettings(settings)
                    .gracefulShutdownTimeoutMillis(-1)
                    .validateHeaders(true)
                    .build();
        }

        @Override
        protected Http2ClientConnection build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
                                              Http2Settings initialSettings) {
            return new Http2ClientConnection(decoder, encoder, initialSettings, slot, backendPool, guard);
        }
    }
}
