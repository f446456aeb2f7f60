package io.fulcrum.proxy.http;

import io.fulcrum.proxy.testing.TestConfigs;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import io.fulcrum.testsupport.config.PoolConfigBuilder;
import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.PassiveHealthConfig;
import io.fulcrum.core.config.QueueConfig;
import io.fulcrum.core.config.RetryConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.TimeoutsConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.testsupport.RawHttp;
import io.fulcrum.proxy.testing.TestBackend;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.core.config.AccessLogConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.pool;
import static io.fulcrum.proxy.testing.TestConfigs.poolWithRetries;
import static io.fulcrum.proxy.testing.TestConfigs.server;
import static io.fulcrum.proxy.testing.TestConfigs.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Backend failures: retries, passive health, and Fulcrum's own 502, 503 and 504 answers. */
class FailureHandlingTest {

    private final ProxyFixture f = new ProxyFixture();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        f.close();
    }

    /** {@link TestConfigs#single(PoolConfig)} with a JSON access log, where the reason of an error answer goes. */
    private FulcrumConfig logged(PoolConfig pool) {
        return FulcrumConfigBuilder.config().server(server())
                .accessLog(new AccessLogConfig(true, "json", dir.resolve("access.log").toString()))
                .listener(TestConfigs.listener(List.of(new RouteConfig("default", null, pool.name(), null))))
                .pool(pool).build();
    }

    /** The error field of every access-log record written so far (waits for at least one). */
    private List<String> loggedErrors() throws Exception {
        Path file = dir.resolve("access.log");
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(file) && !Files.readAllLines(file).isEmpty());
        List<String> errors = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            var error = new ObjectMapper().readTree(line).get("error");
            if (!error.isNull()) {
                errors.add(error.asText());
            }
        }
        return errors;
    }

    @Test
    void killingABackendUnderLoadLosesNoIdempotentRequestAndEjectsIt() throws Exception {
        TestBackend a = f.backend("a");
        TestBackend b = f.backend("b");
        f.start(single(poolWithRetries("p", "round-robin", 2, List.of(backend(a, 1), backend(b, 1)))));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        ConcurrentHashMap<String, AtomicInteger> byBackend = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> workers = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (int i = 0; i < 8; i++) {
            workers.add(pool.submit(() -> {
                while (running.get() && System.nanoTime() < end) {
                    try {
                        HttpResponse<String> r = f.get("/");
                        if (r.statusCode() == 200) {
                            ok.incrementAndGet();
                            byBackend.computeIfAbsent(r.body(), k -> new AtomicInteger()).incrementAndGet();
                        } else {
                            failures.add(r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > 500);
        b.kill();
        int atKill = ok.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > atKill + 1000);
        running.set(false);
        for (Future<?> w : workers) {
            w.get();
        }
        pool.shutdown();
        assertThat(failures).as("failed requests").isEmpty();
        assertThat(byBackend.get("b").get()).isPositive();
        Backend live = f.proxy().backend("p", "b");
        assertThat(live.failures()).isPositive();
        assertThat(live.isEjected(System.nanoTime())).as("b is ejected by passive health").isTrue();
    }

    @Test
    void connectFailureIsRetriedOnAnotherBackend() throws Exception {
        TestBackend a = f.backend("a");
        int deadPort = FreePorts.tcp();
        var dead = new BackendConfig("dead", HostPort.of("127.0.0.1", deadPort), 1, null, null, null, null, null);
        f.start(single(poolWithRetries("p", "round-robin", 1, List.of(dead, backend(a, 1)))));
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = f.get("/");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("a");
        }
        assertThat(f.proxy().backend("p", "dead").failures()).isPositive();
    }

    @Test
    void noRetryMeans502() throws Exception {
        int deadPort = FreePorts.tcp();
        var dead = new BackendConfig("dead", HostPort.of("127.0.0.1", deadPort), 1, null, null, null, null, null);
        f.start(single(poolWithRetries("p", "round-robin", 0, List.of(dead))));
        HttpResponse<String> r = f.get("/");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).as("the reason is for the access log (ErrorPagesTest)").isEqualTo("502 Bad Gateway\n");
    }

    @Test
    void nonIdempotentRequestIsNotRetriedAfterTheBackendReset() throws Exception {
        TestBackend a = f.backend("a");
        TestBackend b = f.backend("b");
        a.mode(TestBackend.Mode.CLOSE_ON_REQUEST);
        b.mode(TestBackend.Mode.CLOSE_ON_REQUEST);
        f.start(single(poolWithRetries("p", "round-robin", 2, List.of(backend(a, 1), backend(b, 1)))));
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response r = c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi").read();
            assertThat(r.status()).isEqualTo(502);
        }
        assertThat(a.requests() + b.requests()).as("POST sent once").isEqualTo(1);
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response r = c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(502);
        }
        assertThat(a.requests() + b.requests()).as("GET tried on both backends").isEqualTo(3);
    }

    @Test
    void allBackendsDownGives503() throws Exception {
        TestBackend a = f.backend("a");
        f.start(logged(pool("p", "round-robin", List.of(backend(a, 1)))));
        f.proxy().backend("p", "a").setState(io.fulcrum.core.backend.BackendState.DOWN);
        HttpResponse<String> r = f.get("/");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("503 Service Unavailable\n");
        assertThat(loggedErrors()).containsExactly("no backend available");
        assertThat(a.requests()).isZero();
    }

    @Test
    void allWeightsZeroGives503() throws Exception {
        TestBackend a = f.backend("a");
        f.start(single(pool("p", "weighted-round-robin", List.of(backend(a, 0)))));
        assertThat(f.get("/").statusCode()).isEqualTo(503);
    }

    @Test
    void slowBackendGives504AndCountsAsAFailure() throws Exception {
        TestBackend a = f.backend("a");
        a.delay(3000);
        var p = PoolConfigBuilder.pool("p")
                .responseTimeout(Duration.ofMillis(300))
                .retries(new RetryConfig(0, true, true, null))
                .backends(List.of(backend(a, 1)))
                .build();
        f.start(single(p));
        long t0 = System.nanoTime();
        HttpResponse<String> r = f.get("/");
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(2500));
        assertThat(f.proxy().backend("p", "a").failures()).isEqualTo(1);
    }

    @Test
    void wholeRequestTimeoutGives504() throws Exception {
        TestBackend a = f.backend("a");
        a.delay(3000);
        var listener = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                .timeouts(new TimeoutsConfig(null, null, Duration.ofMillis(400)))
                .routes(List.of(new RouteConfig("r", null, "p", null)))
                .build();
        f.start(TestConfigs.single(listener, pool("p", "round-robin", List.of(backend(a, 1)))));
        assertThat(f.get("/").statusCode()).isEqualTo(504);
    }

    @Test
    void fullBackendsQueueRequestsAndAnswer503WhenTheQueueIsFull() throws Exception {
        TestBackend a = f.backend("a");
        a.delay(600);
        var limited = new BackendConfig("a", HostPort.parse(a.address()), 1, 1, null, null, null, null);
        var p = PoolConfigBuilder.pool("p")
                .queue(new QueueConfig(1, Duration.ofSeconds(5)))
                .backends(List.of(limited))
                .build();
        f.start(logged(p));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        Future<HttpResponse<String>> first = pool.submit(() -> f.get("/"));
        await().until(() -> f.proxy().backend("p", "a").activeRequests() == 1);
        Future<HttpResponse<String>> queued = pool.submit(() -> f.get("/"));
        await().until(() -> f.proxy().runtime().pools().get("p").queue().size() == 1);
        HttpResponse<String> refused = f.get("/");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).isEqualTo("503 Service Unavailable\n");
        assertThat(loggedErrors()).contains("all backends busy and queue full");
        assertThat(first.get().statusCode()).isEqualTo(200);
        assertThat(queued.get().statusCode()).as("the queued request is served when a slot frees").isEqualTo(200);
        assertThat(a.requests()).isEqualTo(2);
        pool.shutdown();
    }

    @Test
    void queueTimeoutGives503() throws Exception {
        TestBackend a = f.backend("a");
        a.delay(1500);
        var limited = new BackendConfig("a", HostPort.parse(a.address()), 1, 1, null, null, null, null);
        var p = PoolConfigBuilder.pool("p")
                .queue(new QueueConfig(10, Duration.ofMillis(300)))
                .backends(List.of(limited))
                .build();
        f.start(logged(p));
        ExecutorService pool = Executors.newFixedThreadPool(1);
        Future<HttpResponse<String>> first = pool.submit(() -> f.get("/"));
        await().until(() -> f.proxy().backend("p", "a").activeRequests() == 1);
        HttpResponse<String> waited = f.get("/");
        assertThat(waited.statusCode()).isEqualTo(503);
        assertThat(waited.body()).isEqualTo("503 Service Unavailable\n");
        assertThat(loggedErrors()).contains("timed out waiting for a backend");
        assertThat(first.get().statusCode()).isEqualTo(200);
        pool.shutdown();
    }

    @Test
    void ejectedBackendComesBackAfterTheBackOff() throws Exception {
        TestBackend a = f.backend("a");
        TestBackend b = f.backend("b");
        var p = PoolConfigBuilder.pool("p")
                .retries(new RetryConfig(1, true, true, null))
                .passiveHealth(new PassiveHealthConfig(true, 2, Duration.ofMillis(500), Duration.ofSeconds(1), false))
                .backends(List.of(backend(a, 1), backend(b, 1)))
                .build();
        f.start(single(p));
        b.kill();
        for (int i = 0; i < 6; i++) {
            assertThat(f.get("/").body()).isEqualTo("a");
        }
        Backend live = f.proxy().backend("p", "b");
        assertThat(live.isEjected(System.nanoTime())).isTrue();
        b.restart();
        await().atMost(Duration.ofSeconds(5)).until(() -> !live.isEjected(System.nanoTime()));
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            seen.add(f.get("/").body());
        }
        assertThat(seen).contains("a", "b");
    }
}
