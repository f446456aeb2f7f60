package io.fulcrum.proxy.http;

import io.fulcrum.proxy.runtime.BackendConnectSettings;
import io.fulcrum.core.backend.Backend;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * One keep-alive connection from Fulcrum to a backend. While a request uses it,
 * it passes what the backend sends to that request's {@link Exchange}; while it
 * sits idle in its pool, anything the backend sends is a protocol error and the
 * connection is closed.
 */
final class BackendConnection extends ChannelInboundHandlerAdapter {

    final Backend backend;
    final BackendConnectionPool pool;
    Channel channel;
    /** The request using this connection, or null while idle. */
    Exchange owner;
    /** Requests served so far: more than zero means the connection was reused. */
    int uses;
    long idleSinceNanos;
    long idleTimeoutNanos;
    /** True while the connection sits in its pool's idle list. */
    boolean idle;
    /** The client this connection's PROXY protocol header named (it serves no other), or null. */
    HttpProxyHandler proxiedFor;
    /** The request now using this connection is a HEAD request (its response has no body). */
    boolean headRequest;
    /** The response framer of an HTTP/1.x connection; null on an HTTP/2 stream. */
    ResponseFramer framer;
    /**
     * Its pool's {@link BackendConnectionPool#retire retirement count} for the backend when it was
     * opened: a connection opened before its pool's protocol, TLS or PROXY header changed is not reused.
     */
    int generation;
    /** The pool settings it was opened with; a pool that now connects otherwise does not reuse it. */
    BackendConnectSettings openedWith;
    /** Reads this connection's TCP_INFO now and then, for the backend's RTT and retransmissions. */
    private final TcpInfoSampler tcpInfo = new TcpInfoSampler();

    BackendConnection(Backend backend, BackendConnectionPool pool) {
        this.backend = backend;
        this.pool = pool;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        backend.connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Exchange o = owner;
        if (o != null) {
            o.onBackendMessage(this, msg);
        } else {
            // Data on an idle connection: the backend broke the protocol; never hand this connection out again.
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        tcpInfo.maybeSample(ctx.channel(), backend, System.nanoTime());
        Exchange o = owner;
        if (o != null) {
            o.onBackendReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Exchange o = owner;
        if (o != null) {
            o.onBackendWritabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        backend.connectionClosed();
        pool.removeIdle(this);
        Exchange o = owner;
        owner = null;
        if (o != null) {
            o.onBackendClosed(this, null);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Exchange o = owner;
        owner = null;
        if (o != null) {
            o.onBackendClosed(this, cause);
        }
        ctx.close();
    }
}
