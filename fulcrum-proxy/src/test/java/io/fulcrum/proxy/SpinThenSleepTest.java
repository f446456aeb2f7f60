package io.fulcrum.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SelectStrategy;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** {@code server.idleSpinPolls}: an epoll loop looks again a few times before it sleeps. */
class SpinThenSleepTest {

    @Test
    void sleepsAfterTheConfiguredNumberOfEmptyPolls() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        int strategy = new SpinThenSleep(5).calculateStrategy(() -> {
            polls.incrementAndGet();
            return 0;
        }, false);
        assertThat(strategy).isEqualTo(SelectStrategy.SELECT);
        assertThat(polls).hasValue(5);
    }

    @Test
    void handlesWhatAPollFindsAtOnce() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        int strategy = new SpinThenSleep(100).calculateStrategy(() -> polls.incrementAndGet() == 3 ? 2 : 0, false);
        assertThat(strategy).isEqualTo(2);
        assertThat(polls).hasValue(3);
    }

    @Test
    void withTasksWaitingItLooksOnceWithoutWaiting() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        int strategy = new SpinThenSleep(100).calculateStrategy(() -> {
            polls.incrementAndGet();
            return 0;
        }, true);
        assertThat(strategy).isZero();
        assertThat(polls).hasValue(1);
    }

    @Test
    void aSpinningEpollLoopServesRealConnections() throws Exception {
        assumeThat(Epoll.isAvailable()).as("native epoll on this host").isTrue();
        Transport t = Transport.best(64);
        assertThat(t.name()).isEqualTo("epoll");
        EventLoopGroup group = t.newGroup(1, "spin-test");
        try {
            Channel server = new ServerBootstrap().group(group).channel(t.serverChannelType())
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ctx.writeAndFlush(msg); // echo
                                }
                            });
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            for (int i = 0; i < 20; i++) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setSoTimeout(5000);
                    byte[] sent = ("ping " + i + "\n").getBytes(StandardCharsets.US_ASCII);
                    s.getOutputStream().write(sent);
                    InputStream in = s.getInputStream();
                    assertThat(in.readNBytes(sent.length)).isEqualTo(sent);
                }
                Thread.sleep(2); // let the loop run out of work and sleep between connections
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
