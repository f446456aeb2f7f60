package io.fulcrum.proxy.http2;

import io.fulcrum.proxy.testing.TestConfigs;
import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.Http2Config;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.proxy.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.pool;
import static io.fulcrum.proxy.testing.TestConfigs.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Flow control through HTTP/2 streams: a stream whose client stops reading throttles
 * its own backend read (the proxy does not buffer the body) while other streams of the
 * same connection go on; large bodies both ways; resets; GOAWAY on graceful shutdown.
 */
class Http2FlowControlTest {

    private static final long BIG = 64L * 1024 * 1024;

    private final ProxyFixture f = new ProxyFixture();
    private TestBackend backend;

    @AfterEach
    void stop() {
        f.close();
    }

    private void start() throws Exception {
        backend = f.backend("b1");
        PoolConfig p = pool("p", "round-robin", List.of(backend(backend, 1)));
        ListenerConfig l = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                .routes(List.of(new RouteConfig("all", null, "p", null)))
                .http2(new Http2Config(true, null, null, null))
                .build();
        f.start(TestConfigs.single(l, p));
    }

    /** Waits until the backend's download counter stops moving, and returns it. */
    private long settledDownload() {
        AtomicLong last = new AtomicLong(-1);
        await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(300)).until(() -> {
            long now = backend.downloadedBytes();
            return now > 0 && now == last.getAndSet(now);
        });
        return last.get();
    }

    @Test
    void aStalledStreamThrottlesOnlyItsOwnBackendWhileOtherStreamsFlow() throws Exception {
        start();
        try (H2TestClient c = new H2TestClient(f.address())) {
            H2TestClient.Response slow = c.get("/download?bytes=" + BIG, false);
            long sent = settledDownload();
            // Bounded by the stream window, the proxy's write buffer and the sockets' buffers: not the body.
            assertThat(sent).isLessThan(BIG / 3);
            assertThat(slow.bodyBytes.get()).isLessThanOrEqualTo(65535);

            H2TestClient.Response other = c.get("/other", true);
            assertThat(other.done.get(10, TimeUnit.SECONDS)).isEqualTo(2L);
            assertThat(other.status).isEqualTo("200");
            assertThat(backend.downloadedBytes()).isEqualTo(sent);

            slow.resume();
            assertThat(slow.done.get(60, TimeUnit.SECONDS)).isEqualTo(BIG);
            assertThat(slow.status).isEqualTo("200");
        }
    }

    @Test
    void anUploadToABackendThatDoesNotReadStallsOnlyItsOwnStream() throws Exception {
        // A backend that accepts and never reads, behind its own route (Host stuck.test).
        try (java.net.ServerSocket tarpit = new java.net.ServerSocket()) {
            tarpit.setReceiveBufferSize(16 * 1024);
            tarpit.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            List<java.net.Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(tarpit.accept());
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            backend = f.backend("b1");
            PoolConfig p = pool("p", "round-robin", List.of(backend(backend, 1)));
            PoolConfig stuck = pool("stuck", "round-robin", List.of(new io.fulcrum.core.config.BackendConfig("t",
                    HostPort.of("127.0.0.1", tarpit.getLocalPort()), 1, null, null, null, null, null)));
            ListenerConfig l = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                    .routes(List.of(new RouteConfig("stuck", new io.fulcrum.core.config.RouteMatch(List.of("stuck.test"), null,
                            null, null, null), "stuck", null), new RouteConfig("all", null, "p", null)))
                    .http2(new Http2Config(true, null, null, null))
                    .build();
            f.start(FulcrumConfigBuilder.config()
                    .server(server())
                    .noAccessLog()
                    .listeners(List.of(l))
                    .pools(List.of(p, stuck))
                    .build());
            try (H2TestClient c = new H2TestClient(f.address())) {
                H2TestClient.Response blocked = c.request("POST", "/upload", "stuck.test", new byte[32 << 20], true);
                await().atMost(10, TimeUnit.SECONDS).until(() -> !accepted.isEmpty());
                int up = 1 << 20;
                H2TestClient.Response other = c.request("POST", "/upload", "127.0.0.1", new byte[up], true);
                other.done.get(20, TimeUnit.SECONDS);
                assertThat(other.status).isEqualTo("200");
                assertThat(backend.uploadedBytes()).isEqualTo(up);
                assertThat(blocked.done).isNotDone();
            } finally {
                for (java.net.Socket s : accepted) {
                    s.close();
                }
                tarpit.close();
                acceptor.join(5000);
            }
        }
    }

    @Test
    void aResetStreamStopsItsBackendAndTheConnectionGoesOn() throws Exception {
        start();
        try (H2TestClient c = new H2TestClient(f.address())) {
            H2TestClient.Response slow = c.get("/download?bytes=" + BIG, false);
            settledDownload();
            slow.cancel();
            // The backend connection of the cancelled stream is closed, not kept: the next request opens another.
            H2TestClient.Response next = c.get("/next", true);
            assertThat(next.done.get(10, TimeUnit.SECONDS)).isEqualTo(2L);
            assertThat(backend.accepts()).isEqualTo(2);
            assertThat(backend.downloadedBytes()).isLessThan(BIG);
        }
    }

    @Test
    void largeBodiesBothWaysWithTheJdkClient() throws Exception {
        start();
        try (HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
            URI base = URI.create("http://127.0.0.1:" + f.address().getPort());
            jdk.send(HttpRequest.newBuilder(base.resolve("/warm")).build(), HttpResponse.BodyHandlers.discarding());
            int up = 32 * 1024 * 1024;
            HttpResponse<String> r = jdk.send(HttpRequest.newBuilder(base.resolve("/upload"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[up])).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.body()).isEqualTo(Integer.toString(up));
            assertThat(backend.uploadedBytes()).isEqualTo(up);
            HttpResponse<byte[]> d = jdk.send(HttpRequest.newBuilder(base.resolve("/download?bytes=" + BIG))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(d.body().length).isEqualTo((int) BIG);
        }
    }

    @Test
    void gracefulShutdownSendsGoAwayAndFinishesTheStreamInFlight() throws Exception {
        start();
        backend.delay(700);
        try (H2TestClient c = new H2TestClient(f.address())) {
            H2TestClient.Response inFlight = c.get("/slow", true);
            await().atMost(5, TimeUnit.SECONDS).until(() -> backend.requests() == 1);
            CompletableFuture<Void> shutdown = CompletableFuture.runAsync(
                    () -> f.proxy().shutdownGracefully(Duration.ofSeconds(10)));
            await().atMost(5, TimeUnit.SECONDS).untilTrue(c.goAwayReceived);
            assertThat(inFlight.done.get(10, TimeUnit.SECONDS)).isEqualTo(2L);
            assertThat(inFlight.status).isEqualTo("200");
            shutdown.get(15, TimeUnit.SECONDS);
        }
    }
}
