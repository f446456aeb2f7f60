package io.fulcrum.proxy.http;

import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import io.fulcrum.core.config.AccessLogConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.LimitsConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.RouteMatch;
import io.fulcrum.core.config.TimeoutsConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.testsupport.RawHttp;
import io.fulcrum.proxy.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.pool;
import static io.fulcrum.proxy.testing.TestConfigs.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Client-side timeouts and limits, the access log, and graceful shutdown. */
class LifecycleTest {

    private final ProxyFixture f = new ProxyFixture();

    @AfterEach
    void stop() {
        f.close();
    }

    private void start(TimeoutsConfig timeouts, LimitsConfig limits, AccessLogConfig log) throws Exception {
        TestBackend a = f.backend("a");
        var listener = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                .timeouts(timeouts)
                .limits(limits)
                .routes(List.of(new RouteConfig("api", new RouteMatch(null, "/", null, null, null), "p", null)))
                .build();
        f.start(FulcrumConfigBuilder.config()
                .server(server())
                .accessLog(log)
                .listeners(List.of(listener))
                .pools(List.of(pool("p", "round-robin",
                List.of(backend(a, 1)))))
                .build());
    }

    @Test
    void slowHeadersGet408AndTheConnectionIsClosed() throws Exception {
        start(new TimeoutsConfig(Duration.ofMillis(300), Duration.ofSeconds(30), null), null, new AccessLogConfig(false, null, null));
        try (RawHttp c = new RawHttp(f.address())) {
            c.send("GET / HTTP/1.1\r\nHost: x\r\n"); // never finishes its header section
            RawHttp.Response r = c.read();
            assertThat(r.status()).isEqualTo(408);
            assertThat(c.isClosedByPeer()).isTrue();
        }
    }

    @Test
    void idleKeepAliveConnectionsAreClosed() throws Exception {
        start(new TimeoutsConfig(Duration.ofSeconds(5), Duration.ofMillis(300), null), null, new AccessLogConfig(false, null, null));
        try (RawHttp c = new RawHttp(f.address())) {
            assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            c.soTimeout(3000);
            long t0 = System.nanoTime();
            assertThat(c.isClosedByPeer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void bodyOverTheLimitGets413() throws Exception {
        start(null, new LimitsConfig(null, null, 10L, null), new AccessLogConfig(false, null, null));
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response r = c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world")
                    .read();
            assertThat(r.status()).isEqualTo(413);
        }
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response r = c.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(413);
        }
        assertThat(f.backendNamed("a").uploadedBytes()).isLessThanOrEqualTo(6);
    }

    @Test
    void listenerConnectionLimitClosesExtraConnections() throws Exception {
        start(null, new LimitsConfig(null, null, null, 2), new AccessLogConfig(false, null, null));
        try (RawHttp c1 = new RawHttp(f.address()); RawHttp c2 = new RawHttp(f.address())) {
            assertThat(c1.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            assertThat(c2.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            try (RawHttp c3 = new RawHttp(f.address())) {
                c3.soTimeout(3000);
                assertThat(c3.isClosedByPeer()).isTrue();
            }
        }
    }

    @Test
    void accessLogWritesOneJsonLinePerRequest(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        start(null, null, new AccessLogConfig(true, "json", file.toString()));
        try (RawHttp c = new RawHttp(f.address())) {
            c.send("GET /hello?q=1 HTTP/1.1\r\nHost: x\r\n\r\n").read();
            c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc").read();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(file) && Files.readAllLines(file).size() == 2);
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).startsWith("{\"time\":\"").contains("\"listener\":\"web\"", "\"route\":\"api\"",
                "\"method\":\"GET\"", "\"uri\":\"/hello?q=1\"", "\"status\":200", "\"backend\":\"p/a\"",
                "\"attempts\":1", "\"client\":\"127.0.0.1:");
        assertThat(lines.get(1)).contains("\"method\":\"POST\"", "\"bytes_in\":3", "\"bytes_out\":1");
    }

    @Test
    void accessLogTextFormat(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        start(null, null, new AccessLogConfig(true, "text", file.toString()));
        try (RawHttp c = new RawHttp(f.address())) {
            c.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n").read();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(file) && Files.readAllLines(file).size() == 1);
        assertThat(Files.readAllLines(file).getFirst()).matches(
                "\\S+ 127\\.0\\.0\\.1:\\d+ web/api \"GET /x HTTP/1\\.1\" 200 0 1 p/a 1 [\\d.]+ [\\d.]+ [0-9a-f]{16}-[0-9a-f]+ \"-\"");
    }

    @Test
    void gracefulShutdownFinishesInFlightRequestsAndStopsAccepting() throws Exception {
        start(null, null, new AccessLogConfig(false, null, null));
        f.backendNamed("a").delay(700);
        RawHttp busy = new RawHttp(f.address());
        busy.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        await().until(() -> f.backendNamed("a").requests() == 1);
        int port = f.address().getPort();
        CompletableFuture<Void> shutdown = CompletableFuture.runAsync(
                () -> f.proxy().shutdownGracefully(Duration.ofSeconds(5)));
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class));
        RawHttp.Response r = busy.read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("connection")).isEqualToIgnoringCase("close");
        assertThat(busy.isClosedByPeer()).isTrue();
        busy.close();
        shutdown.get();
    }
}
