package io.fulcrum.proxy.http2;

import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import io.fulcrum.testsupport.config.PoolConfigBuilder;
import io.fulcrum.core.config.BackendTlsConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.proxy.testing.TestBackend;
import io.fulcrum.proxy.testing.TestConfigs;
import io.fulcrum.testsupport.TestCertificates;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static org.assertj.core.api.Assertions.assertThat;

/** HTTP/2 from the proxy to backends (pools[].protocol h2c or h2), with HTTP/1.1 clients in front. */
class Http2BackendTest {

    @TempDir
    static Path dir;
    static TestCertificates.Pair cert;

    private final ProxyFixture f = new ProxyFixture();

    @BeforeAll
    static void certificates() throws Exception {
        Assumptions.assumeTrue(TestCertificates.opensslAvailable(), "openssl is needed to make test certificates");
        cert = TestCertificates.selfSigned(dir, "h2b", "backend.test", "DNS:backend.test,IP:127.0.0.1");
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static FulcrumConfig config(List<TestBackend> bs, String protocol, BackendTlsConfig tls) {
        PoolConfig p = TestConfigs.pool("p", "round-robin", bs.stream().map(b -> backend(b, 1)).toList());
        return TestConfigs.single(PoolConfigBuilder.from(p)
                .protocol(protocol)
                .tls(tls)
                .build());
    }

    private static SslContext h2Server(boolean offerH2) throws Exception {
        return SslContextBuilder.forServer(cert.cert().toFile(), cert.key().toFile())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        offerH2 ? List.of("h2") : List.of("http/1.1")))
                .build();
    }

    @Test
    void h2cBackendsCarryManyRequestsAsStreamsOfFewConnections() throws Exception {
        TestBackend b1 = f.h2Backend("b1", null);
        TestBackend b2 = f.h2Backend("b2", null);
        f.start(config(List.of(b1, b2), "h2c", null));
        HttpResponse<String> first = f.get("/one");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().map().keySet()).noneMatch(n -> n.startsWith("x-http2"));
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        List<HttpClient> clients = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            clients.add(c);
            all.add(c.sendAsync(HttpRequest.newBuilder(f.uri("/r" + i)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (var r : all) {
            assertThat(r.join().statusCode()).isEqualTo(200);
        }
        clients.forEach(HttpClient::close);
        assertThat(b1.h2Streams() + b2.h2Streams()).isEqualTo(41);
        assertThat(b1.h2Streams()).isBetween(19, 22);
        // Two proxy event loops: at most one connection per loop and backend while streams have room.
        assertThat(b1.accepts()).isLessThanOrEqualTo(2);
        assertThat(b2.accepts()).isLessThanOrEqualTo(2);
    }

    @Test
    void bodiesBothWaysOverAnH2cBackend() throws Exception {
        TestBackend b1 = f.h2Backend("b1", null);
        f.start(config(List.of(b1), "h2c", null));
        HttpResponse<String> up = f.client().send(HttpRequest.newBuilder(f.uri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[3 * 1024 * 1024])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(up.body()).isEqualTo(Integer.toString(3 * 1024 * 1024));
        HttpResponse<byte[]> down = f.client().send(HttpRequest.newBuilder(f.uri("/download?bytes=5000000")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(down.body()).hasSize(5_000_000);
    }

    @Test
    void aClientThatStopsReadingThrottlesItsH2BackendStreamOnly() throws Exception {
        TestBackend b1 = f.h2Backend("b1", null);
        PoolConfig p = TestConfigs.pool("p", "round-robin", List.of(backend(b1, 1)));
        p = PoolConfigBuilder.from(p)
                .protocol("h2c")
                .build();
        var l = ListenerConfigBuilder.listener("web", io.fulcrum.core.config.HostPort.of("127.0.0.1", 0))
                .routes(List.of(new io.fulcrum.core.config.RouteConfig("all", null, "p", null)))
                .http2(new io.fulcrum.core.config.Http2Config(true, null, null, null))
                .build();
        f.start(TestConfigs.single(l, p));
        long big = 64L << 20;
        try (H2TestClient c = new H2TestClient(f.address())) {
            H2TestClient.Response slow = c.get("/download?bytes=" + big, false);
            java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong(-1);
            org.awaitility.Awaitility.await().atMost(20, java.util.concurrent.TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(300)).until(() -> {
                        long now = b1.downloadedBytes();
                        return now > 0 && now == last.getAndSet(now);
                    });
            // HTTP/2 windows on both sides: the backend stops after a few windows' worth, not the body.
            assertThat(last.get()).isLessThan(8L << 20);
            H2TestClient.Response other = c.get("/other", true);
            assertThat(other.done.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(2L);
            slow.resume();
            assertThat(slow.done.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(big);
        }
    }

    @Test
    void h2OverTlsWithAlpn() throws Exception {
        TestBackend b1 = f.h2Backend("b1", h2Server(true));
        f.start(config(List.of(b1), "h2",
                new BackendTlsConfig(cert.cert().toString(), true, null, null, null, null, null)));
        HttpResponse<String> r = f.get("/tls");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("b1");
        assertThat(b1.h2Streams()).isEqualTo(1);
    }

    @Test
    void aTlsBackendThatRefusesH2IsAFailedConnection() throws Exception {
        TestBackend b1 = f.h2Backend("b1", h2Server(false));
        f.start(config(List.of(b1), "h2",
                new BackendTlsConfig(cert.cert().toString(), true, null, null, null, null, null)));
        assertThat(f.get("/tls").statusCode()).isEqualTo(502);
        assertThat(b1.h2Streams()).isZero();
    }
}
