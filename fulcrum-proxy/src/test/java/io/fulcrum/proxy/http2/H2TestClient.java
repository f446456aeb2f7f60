package io.fulcrum.proxy.http2;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bare HTTP/2 client (h2c, prior knowledge) whose streams can stop reading: a stream
 * that does not read sends no WINDOW_UPDATE, which is how a slow client looks to the proxy.
 * The connection-level window is opened wide so one stalled stream does not stall the others.
 */
final class H2TestClient implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel parent;
    final AtomicBoolean goAwayReceived = new AtomicBoolean();

    H2TestClient(InetSocketAddress proxy) {
        parent = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                                new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        if (msg instanceof Http2GoAwayFrame) {
                                            goAwayReceived.set(true);
                                        }
                                        ReferenceCountUtil.release(msg);
                                    }
                                });
                    }
                }).connect(proxy).syncUninterruptibly().channel();
        parent.writeAndFlush(new DefaultHttp2WindowUpdateFrame(256 * 1024 * 1024)).syncUninterruptibly();
    }

    /** One GET on its own stream; {@code reading} false leaves it stalled until {@link Response#resume()}. */
    Response get(String path, boolean reading) {
        return request("GET", path, "localhost", null, reading);
    }

    /** A request with an optional body (sent in one DATA frame that ends the stream). */
    Response request(String method, String path, String authority, byte[] body, boolean reading) {
        Response r = new Response();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(parent).handler(r).open().syncUninterruptibly()
                .getNow();
        r.stream = stream;
        stream.config().setAutoRead(reading);
        stream.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method(method).path(path)
                .scheme("http").authority(authority), body == null));
        if (body != null) {
            stream.write(new DefaultHttp2DataFrame(io.netty.buffer.Unpooled.wrappedBuffer(body), true));
        }
        stream.flush();
        if (!reading) {
            stream.read(); // one read: the response head and the first bytes arrive, then nothing more
        }
        return r;
    }

    /**
     * A request with exactly these HEADERS (pseudo-headers included, nothing added), then an
     * optional body and optional trailers; the last frame sent ends the stream.
     */
    Response send(Http2Headers headers, byte[] body, Http2Headers trailers) {
        Response r = new Response();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(parent).handler(r).open().syncUninterruptibly()
                .getNow();
        r.stream = stream;
        stream.write(new DefaultHttp2HeadersFrame(headers, body == null && trailers == null));
        if (body != null) {
            stream.write(new DefaultHttp2DataFrame(io.netty.buffer.Unpooled.wrappedBuffer(body), trailers == null));
        }
        if (trailers != null) {
            stream.write(new DefaultHttp2HeadersFrame(trailers, true));
        }
        stream.flush();
        return r;
    }

    /** HEADERS and one DATA frame of a request whose body goes on: the stream is left open by the client. */
    Response openUpload(Http2Headers headers, byte[] firstPart) {
        Response r = new Response();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(parent).handler(r).open().syncUninterruptibly()
                .getNow();
        r.stream = stream;
        stream.write(new DefaultHttp2HeadersFrame(headers, false));
        stream.write(new DefaultHttp2DataFrame(io.netty.buffer.Unpooled.wrappedBuffer(firstPart), false));
        stream.flush();
        return r;
    }

    @Override
    public void close() {
        parent.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** What one stream received. */
    static final class Response extends ChannelInboundHandlerAdapter {
        Http2StreamChannel stream;
        volatile String status;
        final AtomicLong bodyBytes = new AtomicLong();
        final CompletableFuture<Long> done = new CompletableFuture<>();
        final CompletableFuture<Void> reset = new CompletableFuture<>();
        /** The error code of the RST_STREAM the proxy sent, once {@link #reset} is complete. */
        volatile long resetCode = -1;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame h) {
                    if (h.headers().status() != null) {
                        status = h.headers().status().toString();
                    }
                    if (h.isEndStream()) {
                        done.complete(bodyBytes.get());
                    }
                } else if (msg instanceof Http2DataFrame d) {
                    bodyBytes.addAndGet(d.content().readableBytes());
                    if (d.isEndStream()) {
                        done.complete(bodyBytes.get());
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        /** The multiplexer hands a RST_STREAM to the stream as an event (it is not flow-controlled). */
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame rst) {
                resetCode = rst.errorCode();
                reset.complete(null);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.completeExceptionally(new IllegalStateException("stream closed before its end"));
        }

        /** Starts reading again (the client's WINDOW_UPDATEs follow). */
        void resume() {
            stream.eventLoop().execute(() -> {
                stream.config().setAutoRead(true);
                stream.read();
            });
        }

        /** Cancels the stream (RST_STREAM). */
        void cancel() {
            stream.close();
        }
    }
}
