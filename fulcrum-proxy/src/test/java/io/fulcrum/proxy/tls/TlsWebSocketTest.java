package io.fulcrum.proxy.tls;

import io.fulcrum.proxy.testing.TestConfigs;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import io.fulcrum.core.config.CertificateConfig;
import io.fulcrum.testsupport.TestCertificates;
import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.TlsConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.proxy.testing.WebSocketEcho;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.fulcrum.proxy.testing.TestConfigs.pool;
import static io.fulcrum.proxy.testing.TestConfigs.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A WebSocket through a TLS listener: the tunnel's bytes go through the client's TLS handler. */
class TlsWebSocketTest {

    @TempDir
    static Path dir;
    static TestCertificates.Pair a;

    private final ProxyFixture f = new ProxyFixture();
    private WebSocketEcho.Backend ws;

    @BeforeAll
    static void certificates() throws Exception {
        Assumptions.assumeTrue(TestCertificates.opensslAvailable(), "the openssl command is needed to make test certificates");
        a = TestCertificates.selfSigned(dir, "a", "a.test", "DNS:a.test,IP:127.0.0.1");
    }

    @AfterEach
    void stop() {
        f.close();
        if (ws != null) {
            ws.close();
        }
    }

    @Test
    void webSocketOverTls() throws Exception {
        ws = new WebSocketEcho.Backend();
        ListenerConfig l = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                .routes(List.of(new RouteConfig("all", null, "p", null)))
                .tls(new TlsConfig(List.of(new CertificateConfig(a.certFile(), a.keyFile())), null, null))
                .build();
        f.start(TestConfigs.single(l, pool("p", "round-robin",
                List.of(new BackendConfig("a", HostPort.of("127.0.0.1", ws.port()), 1, null, null, null, null, null)))));
        WebSocketEcho.Collector messages = new WebSocketEcho.Collector();
        try (HttpClient http = HttpClient.newBuilder().sslContext(TestCertificates.trusting(a)).build()) {
            WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create("wss://127.0.0.1:" + f.address().getPort() + "/ws"), messages)
                    .get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 20; i++) {
                socket.sendText("secret " + i, true).get(5, TimeUnit.SECONDS);
                assertThat(messages.next()).isEqualTo("T:secret " + i);
            }
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            assertThat(messages.closed.get(5, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
        }
        Backend b = f.proxy().backend("p", "a");
        await().atMost(Duration.ofSeconds(5)).until(() -> b.openConnections() == 0 && b.activeRequests() == 0);
    }
}
