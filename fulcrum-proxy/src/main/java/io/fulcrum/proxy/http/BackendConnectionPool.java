package io.fulcrum.proxy.http;

import io.fulcrum.proxy.runtime.BackendConnectSettings;
import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.proxy.ReadSizing;
import io.fulcrum.proxy.http2.Http2BackendSessions;
import io.fulcrum.proxy.runtime.PoolRuntime;
import io.fulcrum.proxy.tls.BackendTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.CombinedChannelDuplexHandler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to backends owned by one event loop. Only that event
 * loop touches it, so it needs no locks; a client connection always uses the pool
 * of its own event loop, which keeps both sides of a request on one thread.
 */
public final class BackendConnectionPool {

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Map<Backend, ArrayDeque<BackendConnection>> idle = new HashMap<>();
    private final Map<Long, Bootstrap> byConnectTimeout = new HashMap<>();
    /** Per backend, how often {@link #retire} was called: connections of an older count are not reused. */
    private final Map<Backend, Integer> generations = new HashMap<>();
    /** HTTP/2 connections for pools with protocol h2c or h2. */
    private final Http2BackendSessions h2 = new Http2BackendSessions();

    /**
     * @param loop            the event loop that owns this pool
     * @param clientChannelType the socket class of the transport in use
     */
    public BackendConnectionPool(EventLoop loop, Class<? extends SocketChannel> clientChannelType) {
        this.loop = loop;
        this.bootstrap = new Bootstrap().group(loop).channel(clientChannelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.AUTO_CLOSE, true)
                .option(ChannelOption.RECVBUF_ALLOCATOR, ReadSizing.PROXY);
        loop.scheduleWithFixedDelay(this::closeExpired, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * An idle, open connection to {@code backend} that {@code pool} would have opened the same way,
     * most recently used first; null when there is none. With {@code proxiedFor} (a pool that sends
     * PROXY headers) only a connection opened for that same client is reused. An idle connection
     * opened with other connect settings (a reload changed them, and this request came before
     * {@link #retire} reached this loop) is closed rather than reused.
     */
    BackendConnection acquire(Backend backend, PoolRuntime pool, HttpProxyHandler proxiedFor) {
        ArrayDeque<BackendConnection> q = idle.get(backend);
        if (q == null) {
            return null;
        }
        BackendConnectSettings wanted = pool.connectSettings();
        BackendConnection c;
        while ((c = proxiedFor != null ? ProxyProtocolSupport.takePrivate(q, proxiedFor) : q.pollLast()) != null) {
            c.idle = false;
            if (!c.channel.isActive()) {
                continue;
            }
            if (c.openedWith == wanted || c.openedWith.equals(wanted)) {
                return c;
            }
            c.channel.close();
        }
        return null;
    }

    /**
     * Stops reusing what is open to these backends: their pool now opens connections differently
     * (another protocol, TLS or PROXY header), so the idle ones close now and the busy ones when
     * their request ends. Called on this pool's event loop when a reload changed those settings.
     */
    public void retire(java.util.Collection<Backend> backends) {
        for (Backend b : backends) {
            generations.merge(b, 1, Integer::sum);
            ArrayDeque<BackendConnection> q = idle.remove(b);
            if (q != null) {
                for (BackendConnection c : q) {
                    c.idle = false;
                    c.channel.close();
                }
            }
        }
        h2.retire(backends);
    }

    private int generation(Backend backend) {
        return generations.getOrDefault(backend, 0);
    }

    /** Opens a new connection; the future completes on this pool's event loop. */
    ChannelFuture connect(Backend backend, PoolRuntime pool, BackendConnection conn) {
        conn.generation = generation(backend);
        conn.openedWith = pool.connectSettings();
        Bootstrap b = byConnectTimeout.computeIfAbsent(pool.connectTimeoutMillis(), ms -> bootstrap.clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, ms)));
        if (!PoolConfig.HTTP1.equals(pool.config().protocol())) {
            return h2.openStream(b, backend, pool, conn, ch -> conn.channel = ch);
        }
        BackendTls tls = pool.backendTls();
        ChannelFuture f = b.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                conn.channel = ch;
                if (tls != null) {
                    ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), backend, pool.connectTimeoutMillis()));
                }
                // Responses are framed, not decoded: their heads are forwarded as bytes (ResponseFramer).
                ch.pipeline().addLast("codec", new CombinedChannelDuplexHandler<>(new ResponseFramer(conn),
                                new Http1ClientEncoder()))
                        .addLast("backend", conn);
            }
        }).connect(backend.socketAddress());
        if (conn.proxiedFor != null) {
            // Registered before the caller's listener, so the header goes out before the request
            // (and, on a TLS connection, before the handshake that starts once the channel is active).
            ProxyProtocolSupport.sendWhenConnected(f, pool.config().proxyProtocol(), conn.proxiedFor);
        }
        return tls == null ? f : BackendTls.handshaken(f);
    }

    /**
     * Opens a plain TCP connection for a CONNECT tunnel: no TLS, no HTTP codec, never pooled.
     * The pool's connect timeout and PROXY protocol header apply; its protocol and TLS do not
     * (the client speaks its own protocol, usually TLS, end to end through the tunnel).
     */
    ChannelFuture connectTunnel(Backend backend, PoolRuntime pool, BackendConnection conn) {
        Bootstrap b = byConnectTimeout.computeIfAbsent(pool.connectTimeoutMillis(), ms -> bootstrap.clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, ms)));
        ChannelFuture f = b.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                conn.channel = ch;
                ch.pipeline().addLast("backend", conn);
            }
        }).connect(backend.socketAddress());
        if (conn.proxiedFor != null) {
            ProxyProtocolSupport.sendWhenConnected(f, pool.config().proxyProtocol(), conn.proxiedFor);
        }
        return f;
    }

    /** Returns a connection whose request completed cleanly; closes it when the pool for its backend is full. */
    void release(BackendConnection c, PoolRuntime pool) {
        release(c, pool, System.nanoTime());
    }

    /** As {@link #release(BackendConnection, PoolRuntime)}, idle from {@code nowNanos}. */
    void release(BackendConnection c, PoolRuntime pool, long nowNanos) {
        c.owner = null;
        if (!c.channel.isActive()) {
            return;
        }
        if (Http2BackendSessions.isStream(c.channel)) {
            c.channel.close(); // an HTTP/2 stream serves one request; its connection stays for the next
            return;
        }
        if (!pool.config().keepAlive().enabled() || c.generation != generation(c.backend)
                || c.framer != null && c.framer.hasUnreadBytes()) {
            // Opened the old way (protocol, TLS or PROXY header changed), or bytes after a
            // complete response that would answer the next request on this connection.
            c.channel.close();
            return;
        }
        ArrayDeque<BackendConnection> q = idle.computeIfAbsent(c.backend, k -> new ArrayDeque<>());
        if (q.size() >= pool.config().keepAlive().maxIdlePerBackend()) {
            c.channel.close();
            return;
        }
        c.idle = true;
        c.idleSinceNanos = nowNanos;
        c.idleTimeoutNanos = pool.keepAliveIdleNanos();
        q.addLast(c);
    }

    void removeIdle(BackendConnection c) {
        if (c.idle) {
            c.idle = false;
            ArrayDeque<BackendConnection> q = idle.get(c.backend);
            if (q != null) {
                q.remove(c);
            }
        }
    }

    private void closeExpired() {
        long now = System.nanoTime();
        List<BackendConnection> expired = new ArrayList<>();
        for (ArrayDeque<BackendConnection> q : idle.values()) {
            for (BackendConnection c : q) {
                if (now - c.idleSinceNanos > c.idleTimeoutNanos) {
                    expired.add(c);
                }
            }
        }
        for (BackendConnection c : expired) {
            removeIdle(c);
            c.channel.close();
        }
        idle.values().removeIf(ArrayDeque::isEmpty);
        h2.closeIdle(now);
    }

    /** Closes every idle connection (shutdown). */
    void closeAll() {
        for (ArrayDeque<BackendConnection> q : idle.values()) {
            for (BackendConnection c : q) {
                c.idle = false;
                c.channel.close();
            }
        }
        idle.clear();
    }

    EventLoop loop() {
        return loop;
    }
}
