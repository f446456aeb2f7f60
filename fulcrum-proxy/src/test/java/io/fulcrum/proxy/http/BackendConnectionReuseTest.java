package io.fulcrum.proxy.http;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.proxy.runtime.PoolRuntime;
import io.fulcrum.proxy.runtime.PoolRuntimes;
import io.fulcrum.proxy.testing.TestBackend;
import io.fulcrum.proxy.testing.TestConfigs;
import io.fulcrum.testsupport.config.PoolConfigBuilder;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An idle backend connection is reused only by a pool that opens connections the same way. A
 * reload tells each event loop to retire the changed pools' idle connections, but a request the
 * loop handles before that task arrives must not take one either: it once did, and a pool just
 * switched to h2c sent its request over the old HTTP/1.1 connection.
 */
class BackendConnectionReuseTest {

    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final TestBackend server = TestBackend.start("b");

    @AfterEach
    void close() throws Exception {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        server.close();
    }

    @Test
    void aPoolWithOtherConnectSettingsDoesNotReuseAnIdleConnection() throws Exception {
        EventLoop loop = group.next();
        Backend backend = new Backend("p", "b", "127.0.0.1", server.port(), 0, 1);
        PoolConfig http1 = TestConfigs.pool("p", "round-robin", List.of());
        PoolRuntime before = PoolRuntimes.of(http1, List.of(backend));
        PoolRuntime after = PoolRuntimes.of(PoolConfigBuilder.from(http1).protocol("h2c").build(), List.of(backend));
        PoolRuntime sameAsBefore = PoolRuntimes.of(http1, List.of(backend));

        BackendConnectionPool pool = loop.submit(() -> new BackendConnectionPool(loop, NioSocketChannel.class)).get();
        BackendConnection opened = new BackendConnection(backend, pool);
        loop.submit(() -> pool.connect(backend, before, opened)).get().sync();
        loop.submit(() -> pool.release(opened, before)).get();

        // Equal settings in another runtime object (a reload that left this pool alone) reuse it.
        assertThat(loop.submit(() -> pool.acquire(backend, sameAsBefore, null)).get()).isSameAs(opened);
        loop.submit(() -> pool.release(opened, sameAsBefore)).get();

        // The pool now speaks h2c and retire() has not run on this loop yet: the old connection is
        // closed, not handed out.
        assertThat(loop.submit(() -> pool.acquire(backend, after, null)).get()).isNull();
        assertThat(opened.channel.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
    }
}
