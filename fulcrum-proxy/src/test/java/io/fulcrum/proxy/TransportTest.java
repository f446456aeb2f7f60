package io.fulcrum.proxy;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** How {@code server.transport} picks the HTTP proxy's socket transport on this host. */
class TransportTest {

    @Test
    void nioIsAlwaysHonoured() {
        assertThat(Transport.forHttp("nio", 0).name()).isEqualTo("nio");
    }

    @Test
    void epollIsUsedWhereItLoads() {
        assumeThat(Epoll.isAvailable()).as("native epoll on this host").isTrue();
        assertThat(Transport.forHttp("epoll", 0).name()).isEqualTo("epoll");
    }

    @Test
    void ioUringIsUsedWhereItLoads() {
        assumeThat(IoUring.isAvailable()).as("io_uring on this host").isTrue();
        Transport t = Transport.forHttp("io_uring", 0);
        assertThat(t.name()).isEqualTo("io_uring");
        assertThat(t.clientChannelType().getSimpleName()).isEqualTo("IoUringSocketChannel");
    }

    @Test
    void ioUringFallsBackToTheDefaultWhereItDoesNotLoad() {
        assumeThat(IoUring.isAvailable()).as("a host without io_uring").isFalse();
        assertThat(Transport.forHttp("io_uring", 0).name()).isEqualTo(Transport.best(0).name());
    }

    @Test
    void autoFollowsTheSystemPropertyElseTheDefault() {
        String property = System.getProperty("fulcrum.transport");
        String expected = "io_uring".equals(property) && IoUring.isAvailable() ? "io_uring" : Transport.best(0).name();
        assertThat(Transport.forHttp("auto", 0).name()).isEqualTo(expected);
    }
}
