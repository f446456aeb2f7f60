package io.fulcrum.proxy.http2;

import io.fulcrum.proxy.testing.TestConfigs;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.Http2Config;
import io.fulcrum.core.config.LimitsConfig;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.testsupport.RawHttp;
import io.fulcrum.proxy.testing.TestBackend;
import io.fulcrum.proxy.testing.WebSocketEcho;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.pool;
import static io.fulcrum.proxy.testing.TestConfigs.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * HTTP/1.1 clients on a listener that also accepts h2c keep everything they had:
 * pipelining, WebSocket upgrades, the connection limit (one HTTP/2 connection counts once).
 */
class Http2ListenerCompatibilityTest {

    private final ProxyFixture f = new ProxyFixture();
    private WebSocketEcho.Backend ws;

    @AfterEach
    void stop() {
        f.close();
        if (ws != null) {
            ws.close();
        }
    }

    private void start(String backendAddress, Integer maxConnections) throws Exception {
        ListenerConfig l = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                .limits(new LimitsConfig(null, null, null, maxConnections))
                .routes(List.of(new RouteConfig("all", null, "p", null)))
                .http2(new Http2Config(true, null, null, null))
                .build();
        f.start(TestConfigs.single(l, pool("p", "round-robin",
                List.of(new BackendConfig("a", HostPort.parse(backendAddress), 1, null, null, null, null, null)))));
    }

    @Test
    void pipelinedHttp11RequestsAreAnsweredInOrder() throws Exception {
        TestBackend b = f.backend("b1");
        start(b.address(), null);
        try (RawHttp c = new RawHttp(f.address())) {
            c.send("GET /one HTTP/1.1\r\nHost: h\r\n\r\nGET /two HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "GET /status/204 HTTP/1.1\r\nHost: h\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(200);
            assertThat(c.read().status()).isEqualTo(200);
            assertThat(c.read().status()).isEqualTo(204);
        }
        assertThat(b.seenRequestLines()).containsExactly("GET /one HTTP/1.1", "GET /two HTTP/1.1",
                "GET /status/204 HTTP/1.1");
    }

    @Test
    void aWebSocketUpgradeIsStillTunnelled() throws Exception {
        ws = new WebSocketEcho.Backend();
        start("127.0.0.1:" + ws.port(), null);
        WebSocketEcho.Collector messages = new WebSocketEcho.Collector();
        try (HttpClient http = HttpClient.newHttpClient()) {
            WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create("ws://127.0.0.1:" + f.address().getPort() + "/ws"), messages)
                    .get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 5; i++) {
                socket.sendText("m" + i, true).get(5, TimeUnit.SECONDS);
                assertThat(messages.next()).isEqualTo("T:m" + i);
            }
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            assertThat(messages.closed.get(5, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
        }
        Backend b = f.proxy().backend("p", "a");
        await().atMost(Duration.ofSeconds(5)).until(() -> b.openConnections() == 0 && b.activeRequests() == 0);
    }

    @Test
    void anHttp2ConnectionCountsOnceAgainstTheConnectionLimit() throws Exception {
        TestBackend b = f.backend("b1");
        start(b.address(), 1);
        try (H2TestClient c = new H2TestClient(f.address())) {
            for (int i = 0; i < 3; i++) {
                H2TestClient.Response r = c.get("/s" + i, true);
                assertThat(r.done.get(10, TimeUnit.SECONDS)).isEqualTo(2L);
            }
            // The limit is reached: a second connection is closed at once.
            try (RawHttp other = new RawHttp(f.address())) {
                other.soTimeout(5000);
                other.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
                assertThat(readsEndOfStream(other)).isTrue();
            }
        }
        // Once the HTTP/2 connection is gone its slot is free again.
        await().atMost(5, TimeUnit.SECONDS).until(() -> {
            try (RawHttp again = new RawHttp(f.address())) {
                again.soTimeout(5000);
                return again.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n").read().status() == 200;
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    @Test
    void anIdleHttp2ConnectionIsClosedWithGoAwayButNotWhileAStreamIsOpen() throws Exception {
        TestBackend b = f.backend("b1");
        b.delay(1500);
        ListenerConfig l = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                .timeouts(new io.fulcrum.core.config.TimeoutsConfig(null, Duration.ofMillis(500), null))
                .routes(List.of(new RouteConfig("all", null, "p", null)))
                .http2(new Http2Config(true, null, null, null))
                .build();
        f.start(TestConfigs.single(l, pool("p", "round-robin",
                List.of(backend(b, 1)))));
        try (H2TestClient c = new H2TestClient(f.address())) {
            // A stream open longer than the idle timeout keeps the connection.
            H2TestClient.Response slow = c.get("/slow", true);
            assertThat(slow.done.get(10, TimeUnit.SECONDS)).isEqualTo(2L);
            assertThat(c.goAwayReceived).isFalse();
            // Without streams the connection goes after the idle timeout, GOAWAY first.
            await().atMost(10, TimeUnit.SECONDS).untilTrue(c.goAwayReceived);
            await().atMost(10, TimeUnit.SECONDS).until(() -> f.proxy().clientConnections() == 0);
        }
    }

    private static boolean readsEndOfStream(RawHttp c) {
        try {
            c.read();
            return false;
        } catch (java.io.IOException e) {
            return true;
        }
    }
}
