package io.fulcrum.gslb.check;

import com.sun.net.httpserver.HttpServer;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.health.check.RiseFall;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The remote-VIP monitor over real sockets: a site VIP takes any check a pool takes, with its
 * rise/fall and the time-weighted average of the health engine.
 */
class VipMonitorTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private EventLoopGroup group;
    private EventLoop loop;
    private HttpServer web;
    private volatile String body = "ready";
    private DatagramSocket udp;
    private volatile String udpReply = "pong";
    private final List<String> changes = new CopyOnWriteArrayList<>();
    private VipMonitor monitor;

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        loop = group.next();
        web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        web.createContext("/health", ex -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length); // always 200: only the body tells
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        web.start();
        udp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[512];
            while (!udp.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    udp.receive(p);
                    byte[] out = udpReply.getBytes(StandardCharsets.UTF_8);
                    udp.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                } catch (SocketException e) {
                    return; // closed
                } catch (java.io.IOException e) {
                    // keep serving
                }
            }
        });
    }

    @AfterEach
    void stop() {
        if (monitor != null) {
            monitor.close();
        }
        web.stop(0);
        udp.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private FulcrumConfig config() throws Exception {
        String yaml = """
                listeners:
                  - name: web
                    bind: 127.0.0.1:%d
                    routes:
                      - {name: all, pool: app}
                pools:
                  - name: app
                    backends:
                      - address: 127.0.0.1:%d
                sites:
                  - name: a
                    vips:
                      - address: 127.0.0.1:%d
                        check: {type: tcp, interval: 100ms}
                  - name: b
                    vips:
                      - address: 127.0.0.1:%d
                        check: {type: {http: {path: /health, expectBody: ready}}, interval: 50ms, timeout: 1s, fall: 2, rise: 2}
                  - name: c
                    vips:
                      - address: 127.0.0.1:%d
                        check: {type: {udp: {send: ping, expect: pong}}, interval: 50ms, timeout: 500ms, fall: 1, rise: 1}
                gslb:
                  site: a
                  bind: 127.0.0.1:4790
                  checks: {halfLife: 1s}
                """.formatted(io.fulcrum.testsupport.FreePorts.tcp(), web.getAddress().getPort(), web.getAddress().getPort(),
                web.getAddress().getPort(), udp.getLocalPort());
        return ConfigLoader.parse(yaml, "monitor.yaml");
    }

    private VipMonitor monitor(VipMonitor.Listener listener) throws Exception {
        FulcrumConfig c = config();
        return new VipMonitor(c.gslb(), c.sites(), loop, listener);
    }

    private VipState state(String site) throws Exception {
        return loop.submit(() -> monitor.states(site).getFirst()).get(5, TimeUnit.SECONDS);
    }

    @Test
    void anHttpCheckWithABodyMatchFollowsTheBodyWithItsRiseAndFall() throws Exception {
        monitor = monitor((now, change, result) -> {
            if (change != RiseFall.Change.NONE) {
                changes.add(now.site() + (now.up() ? " up" : " down") + ": " + result.detail());
            }
        });
        monitor.start();
        await().atMost(WAIT).untilAsserted(() -> {
            VipState b = state("b");
            assertThat(b.check()).isEqualTo("http");
            assertThat(b.up()).isTrue();
            assertThat(b.detail()).isEqualTo("status 200");
            assertThat(b.averageMillis()).isPositive();
        });

        body = "maintenance";
        await().atMost(WAIT).untilAsserted(() -> assertThat(state("b").up()).isFalse());
        assertThat(changes).anySatisfy(c -> assertThat(c).startsWith("b down").contains("does not contain \"ready\""));
        assertThat(state("b").detail()).contains("does not contain");

        body = "ready";
        await().atMost(WAIT).untilAsserted(() -> assertThat(state("b").up()).isTrue());
        assertThat(changes).last().asString().startsWith("b up");
    }

    @Test
    void aUdpCheckPassesOnTheExpectedReplyOnly() throws Exception {
        monitor = monitor((now, change, result) -> { });
        monitor.start();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(state("c").check()).isEqualTo("udp");
            assertThat(state("c").detail()).startsWith("reply of");
        });
        udpReply = "busy";
        await().atMost(WAIT).untilAsserted(() -> assertThat(state("c").up()).isFalse());
        assertThat(state("c").detail()).contains("does not contain \"pong\"");
    }

    @Test
    void aClosedMonitorReportsNoMoreResults() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        monitor = monitor((now, change, result) -> seen.add(now.site()));
        monitor.start();
        await().atMost(WAIT).until(() -> seen.size() > 3);
        monitor.close();
        // Anything still in flight lands on the loop before this task, and is dropped there.
        loop.submit(() -> { }).get(5, TimeUnit.SECONDS);
        int after = seen.size();
        Thread.sleep(300); // six intervals of the fastest check
        loop.submit(() -> { }).get(5, TimeUnit.SECONDS);
        assertThat(seen).hasSize(after);
        monitor = null;
    }
}
