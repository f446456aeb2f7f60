package io.fulcrum.proxy.http2;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.proxy.runtime.PoolRuntime;
import io.fulcrum.proxy.tls.BackendTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;

import javax.net.ssl.SSLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * HTTP/2 connections from one event loop to the backends of pools whose {@code protocol}
 * is {@code h2c} or {@code h2}. Each request gets a stream of its own (a child channel
 * that carries HTTP objects, so the request handling is the same as over HTTP/1.1); a
 * connection carries as many streams as the backend allows, and another one is opened
 * when they are all in use. Only the owning event loop touches this object.
 */
public final class Http2BackendSessions {

    /** Streams assumed allowed until the backend's SETTINGS say otherwise. */
    private static final int DEFAULT_MAX_STREAMS = 100;
    /** Added to the default connection window: 100 streams of 64 KiB each. */
    private static final int CONNECTION_WINDOW_DELTA = 100 * Http2CodecUtil.DEFAULT_WINDOW_SIZE
            - Http2CodecUtil.DEFAULT_WINDOW_SIZE;

    private final Map<Backend, List<Session>> sessions = new HashMap<>();

    /**
     * Opens a stream to {@code backend}, on a connection with room for it or a new one.
     *
     * @param bootstrap a client bootstrap of the owning event loop with the pool's connect timeout
     *                  (cloned for a new connection)
     * @param handler   the handler that receives the stream's HTTP objects (added last to the stream)
     * @param onChannel called with the stream channel before it is used
     * @return completes once the stream channel is open (or failed: connect, TLS or ALPN)
     */
    public ChannelFuture openStream(Bootstrap bootstrap, Backend backend, PoolRuntime pool, ChannelHandler handler,
                                    Consumer<Channel> onChannel) {
        List<Session> list = sessions.computeIfAbsent(backend, k -> new ArrayList<>(1));
        Session s = null;
        for (Session candidate : list) {
            if (candidate.hasRoom()) {
                s = candidate;
                break;
            }
        }
        if (s == null) {
            s = connect(bootstrap, backend, pool, list);
        }
        Session session = s;
        session.streams++;
        ChannelPromise opened = session.parent.newPromise();
        session.ready.addListener(r -> {
            if (!r.isSuccess()) {
                session.streams--;
                opened.tryFailure(r.cause());
                return;
            }
            new Http2StreamChannelBootstrap(session.parent).handler(new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel stream) {
                    onChannel.accept(stream);
                    stream.pipeline().addLast("h2-http", new Http2StreamFrameToHttpObjectCodec(false));
                    stream.pipeline().addLast("h2-response", new BackendResponseAdapter());
                    stream.pipeline().addLast("backend", handler);
                }
            }).open().addListener(o -> {
                if (o.isSuccess()) {
                    Http2StreamChannel stream = (Http2StreamChannel) o.getNow();
                    stream.closeFuture().addListener(c -> session.streamClosed());
                    opened.trySuccess();
                } else {
                    session.streams--;
                    opened.tryFailure(o.cause());
                }
            });
        });
        return opened;
    }

    private Session connect(Bootstrap bootstrap, Backend backend, PoolRuntime pool, List<Session> list) {
        BackendTls tls = pool.backendTls();
        long timeout = pool.connectTimeoutMillis();
        Session s = new Session();
        s.idleTimeoutNanos = pool.keepAliveIdleNanos();
        // No server push: every stream of this connection is one the proxy opened for a request.
        Http2FrameCodec codec = Http2FrameCodecBuilder.forClient()
                .initialSettings(Http2Settings.defaultSettings().pushEnabled(false)).build();
        s.codec = codec;
        ChannelFuture connect = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (tls != null) {
                    ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), backend, timeout));
                }
                ch.pipeline().addLast("h2-codec", codec);
                ch.pipeline().addLast("h2-mux", new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                ch.pipeline().addLast("h2-frames", new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg); // SETTINGS, PING, GOAWAY: the codec handled them
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close();
                    }
                });
            }
        }).connect(backend.socketAddress());
        s.parent = connect.channel();
        s.ready = tls == null ? connect : alpnChecked(BackendTls.handshaken(connect));
        list.add(s);
        s.parent.closeFuture().addListener(c -> {
            list.remove(s);
            if (list.isEmpty()) {
                sessions.remove(backend, list);
            }
        });
        s.ready.addListener(r -> {
            if (!r.isSuccess()) {
                s.parent.close();
                return;
            }
            // Response bytes a paused stream has not consumed (its client is slow) count against the
            // connection window too: open it to what the streams' windows add up to, so one slow
            // client does not stop the other streams of this connection.
            s.parent.writeAndFlush(new DefaultHttp2WindowUpdateFrame(CONNECTION_WINDOW_DELTA));
        });
        return s;
    }

    /** Fails a TLS session whose backend did not choose h2 through ALPN. */
    private static ChannelFuture alpnChecked(ChannelFuture handshaken) {
        Channel ch = handshaken.channel();
        ChannelPromise p = ch.newPromise();
        handshaken.addListener(h -> {
            if (!h.isSuccess()) {
                p.tryFailure(h.cause());
                return;
            }
            SslHandler ssl = ch.pipeline().get(SslHandler.class);
            String chosen = ssl == null ? null : ssl.applicationProtocol();
            if (ApplicationProtocolNames.HTTP_2.equals(chosen)) {
                p.trySuccess();
            } else {
                p.tryFailure(new SSLException("the backend did not accept h2 through ALPN (chose "
                        + (chosen == null ? "nothing" : chosen) + ")"));
            }
        });
        return p;
    }

    /** Closes connections that have carried no stream for their pool's keep-alive idle timeout. */
    public void closeIdle(long nowNanos) {
        List<Session> idle = new ArrayList<>();
        for (List<Session> list : sessions.values()) {
            for (Session s : list) {
                if (s.streams == 0 && nowNanos - s.idleSinceNanos > s.idleTimeoutNanos) {
                    idle.add(s);
                }
            }
        }
        idle.forEach(s -> s.parent.close());
    }

    /**
     * Opens no more streams on the connections to these backends (their pool's protocol or TLS
     * changed): idle ones close now, busy ones after their last stream.
     */
    public void retire(java.util.Collection<Backend> backends) {
        for (Backend b : backends) {
            List<Session> list = sessions.remove(b);
            if (list != null) {
                for (Session s : List.copyOf(list)) {
                    s.retired = true;
                    if (s.streams == 0) {
                        s.parent.close();
                    }
                }
            }
        }
    }

    /** Connections open to {@code backend} (for tests and inspection). */
    public int connections(Backend backend) {
        List<Session> list = sessions.get(backend);
        return list == null ? 0 : list.size();
    }

    /** Whether a channel is a stream of an HTTP/2 backend connection. */
    public static boolean isStream(Channel ch) {
        return ch instanceof Http2StreamChannel;
    }

    /** One HTTP/2 connection to a backend. */
    private static final class Session {
        Channel parent;
        Http2FrameCodec codec;
        ChannelFuture ready;
        int streams;
        long idleSinceNanos = System.nanoTime();
        long idleTimeoutNanos;
        /** Its pool's settings changed: it takes no new stream and closes after its last one. */
        boolean retired;

        boolean hasRoom() {
            if (!parent.isActive() && ready.isDone()) {
                return false;
            }
            if (codec.connection().goAwayReceived()) {
                return false;
            }
            int max = ready.isDone() ? codec.connection().local().maxActiveStreams() : DEFAULT_MAX_STREAMS;
            return streams < max;
        }

        void streamClosed() {
            streams--;
            idleSinceNanos = System.nanoTime();
            if (retired && streams == 0) {
                parent.close();
            }
        }
    }

    /** Gives what the backend answers over HTTP/2 the shape an HTTP/1.1 response has for the request handling. */
    private static final class BackendResponseAdapter extends ChannelDuplexHandler {

        /** Resuming a paused stream writes the WINDOW_UPDATE for what it consumed, but Netty does not always flush it. */
        @Override
        public void read(ChannelHandlerContext ctx) {
            ctx.read();
            ctx.flush();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof HttpResponse r)) {
                ctx.fireChannelRead(msg);
                return;
            }
            r.headers().remove(HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text());
            if (msg instanceof FullHttpResponse full) {
                // A response that ended with its HEADERS frame (or an interim one): head, then end of body.
                ctx.fireChannelRead(new DefaultHttpResponse(full.protocolVersion(), full.status(), full.headers()));
                ctx.fireChannelRead(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }
}
