package io.fulcrum.gslb.check;

import com.sun.net.httpserver.HttpServer;
import io.fulcrum.testsupport.FreePorts;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Probes against real sockets, thresholds and the time-weighted average. */
class VipCheckTest {

    private static EventLoopGroup group;
    private static HttpServer server;
    private static final AtomicInteger status = new AtomicInteger(200);

    @BeforeAll
    static void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/health", ex -> {
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static VipProbe probe(String kind, int port) {
        return new VipProbe(group, new InetSocketAddress("127.0.0.1", port), kind, "/health", "vip.test", 2000);
    }

    @Test
    void httpChecksPassOnlyOn2xx() throws Exception {
        int port = server.getAddress().getPort();
        status.set(200);
        ProbeResult ok = probe("http", port).run().get(5, TimeUnit.SECONDS);
        assertThat(ok.ok()).isTrue();
        assertThat(ok.detail()).isEqualTo("status 200");
        assertThat(ok.millis()).isPositive();
        status.set(503);
        assertThat(probe("http", port).run().get(5, TimeUnit.SECONDS).ok()).isFalse();
        status.set(307);
        assertThat(probe("http", port).run().get(5, TimeUnit.SECONDS).ok()).isFalse();
    }

    @Test
    void tcpChecksConnectAndRefusedPortsFail() throws Exception {
        assertThat(probe("tcp", server.getAddress().getPort()).run().get(5, TimeUnit.SECONDS).ok()).isTrue();
        int closed = FreePorts.tcp();
        ProbeResult refused = probe("tcp", closed).run().get(5, TimeUnit.SECONDS);
        assertThat(refused.ok()).isFalse();
        assertThat(refused.detail()).contains("connect failed");
    }

    @Test
    void aSilentServerTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            VipProbe p = new VipProbe(group, new InetSocketAddress("127.0.0.1", silent.getLocalPort()), "http", "/",
                    "x", 200);
            ProbeResult r = p.run().get(5, TimeUnit.SECONDS);
            assertThat(r.ok()).isFalse();
            assertThat(r.detail()).isEqualTo("timed out");
        }
    }

    @Test
    void fallAndRiseThresholds() {
        VipHealth h = new VipHealth("b", "10.0.0.1:80", 2, 3, TimeUnit.SECONDS.toNanos(30));
        ProbeResult fail = new ProbeResult(false, 1, "x");
        ProbeResult pass = new ProbeResult(true, 5, "status 200");
        assertThat(h.up()).isTrue();
        assertThat(h.record(fail, 0)).isFalse();
        assertThat(h.record(pass, 1)).isFalse(); // the streak restarts
        assertThat(h.record(fail, 2)).isFalse();
        assertThat(h.record(fail, 3)).isTrue();
        assertThat(h.up()).isFalse();
        assertThat(h.record(pass, 4)).isFalse();
        assertThat(h.record(pass, 5)).isFalse();
        assertThat(h.record(pass, 6)).isTrue();
        assertThat(h.up()).isTrue();
        assertThat(h.averageMillis()).isEqualTo(5.0);
    }

    @Test
    void theAverageForgetsByTimeNotBySampleCount() {
        long halfLife = TimeUnit.SECONDS.toNanos(10);
        TimeWeightedAverage avg = new TimeWeightedAverage(halfLife);
        assertThat(avg.value()).isNaN();
        avg.add(100, 0);
        assertThat(avg.value()).isEqualTo(100);
        // One half-life later a new sample gets half the weight.
        avg.add(0, halfLife);
        assertThat(avg.value()).isCloseTo(50, org.assertj.core.data.Offset.offset(1e-9));
        // Many samples at the same instant move it no further: no time has passed.
        TimeWeightedAverage burst = new TimeWeightedAverage(halfLife);
        burst.add(100, 0);
        for (int i = 0; i < 100; i++) {
            burst.add(0, 0);
        }
        assertThat(burst.value()).isEqualTo(100);
    }
}
