package io.fulcrum.proxy.http;

import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.proxy.ProxyServer;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.testsupport.RawHttp;
import io.fulcrum.proxy.testing.TestBackend;
import io.fulcrum.proxy.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Hitless reload under load: six keep-alive clients send requests without pause while a
 * series of {@link ProxyServer#apply} calls adds, removes and re-weights backends and adds
 * and removes a second listener.
 *
 * <p>Every client uses one connection for the whole test, so a connection dropped by a
 * reload fails it, as does any answer other than 200. Requests are counted per phase (a
 * phase starts once {@code apply} has returned) and only when sent and answered in the
 * same phase, so each count reflects one configuration: the shares after a re-weight
 * must follow the new weights, and a removed backend must get nothing after its reload.
 */
class ReloadUnderLoadTest {

    private static final int CLIENTS = 6;
    /** Requests counted in a phase before the next reload. */
    private static final int PER_PHASE = 400;
    /** Upper bound for one phase and for the whole test. */
    private static final long PHASE_LIMIT_MS = 5_000;
    private static final long TEST_LIMIT_MS = 20_000;
    /** No client sends more than this many requests, whatever happens. */
    private static final int MAX_REQUESTS_PER_CLIENT = 50_000;
    /**
     * Allowed difference between a measured and an expected share. Smooth WRR serves whole
     * cycles per event loop (2 loops, cycle at most 6), and at most one request per client
     * is left uncounted at a phase change: at most 18 of 400 off, 4.5%. A balancer that
     * ignored the weights would be off by 17 points on 1:2:3.
     */
    private static final double SHARE_TOLERANCE = 0.06;

    private final ProxyFixture f = new ProxyFixture();
    private final List<Map<String, LongAdder>> phases = new CopyOnWriteArrayList<>();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicInteger phase = new AtomicInteger();
    private volatile boolean stop;

    @AfterEach
    void close() {
        stop = true;
        f.close();
    }

    private static FulcrumConfig config(List<BackendConfig> backends, boolean admin) {
        List<RouteConfig> routes = List.of(new RouteConfig("default", null, "p", null));
        List<ListenerConfig> listeners = new ArrayList<>();
        listeners.add(TestConfigs.listener(routes));
        if (admin) {
            listeners.add(ListenerConfigBuilder.listener("admin", HostPort.of("127.0.0.1", 0)).routes(routes).build());
        }
        return FulcrumConfigBuilder.config()
                .server(TestConfigs.server())
                .noAccessLog()
                .listeners(listeners)
                .pools(List.of(TestConfigs.pool("p", "smooth-weighted-round-robin", backends)))
                .build();
    }

    private BackendConfig w(String name, int weight) {
        return TestConfigs.backend(f.backendNamed(name), weight);
    }

    /** One client: one keep-alive connection, requests back to back until told to stop. */
    private void client(InetSocketAddress target, int id) {
        try (RawHttp conn = new RawHttp(target)) {
            for (int i = 0; i < MAX_REQUESTS_PER_CLIENT && !stop; i++) {
                int sentIn = phase.get();
                RawHttp.Response r = conn.send("GET /c" + id + "/" + i + " HTTP/1.1\r\nHost: test\r\n\r\n").read();
                if (r.status() != 200) {
                    failures.add("client " + id + " request " + i + ": status " + r.status() + " " + r.body());
                } else if (phase.get() == sentIn) {
                    phases.get(sentIn).computeIfAbsent(r.header("x-backend"), k -> new LongAdder()).increment();
                }
            }
        } catch (IOException | RuntimeException e) {
            failures.add("client " + id + " (phase " + phase.get() + "): " + e);
        }
    }

    /** Applies {@code config}, starts a new phase, and waits until it has counted {@link #PER_PHASE} requests. */
    private Map<String, Long> reloadAndMeasure(FulcrumConfig config, long testDeadline) throws Exception {
        f.proxy().apply(config);
        phases.add(new ConcurrentHashMap<>());
        int p = phase.incrementAndGet();
        long deadline = Math.min(testDeadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PHASE_LIMIT_MS));
        while (total(p) < PER_PHASE) {
            assertThat(failures).as("failed requests").isEmpty();
            assertThat(System.nanoTime() - deadline).as("phase %d counted %d requests in time", p, total(p))
                    .isNegative();
            Thread.sleep(5);
        }
        Map<String, Long> counts = new HashMap<>();
        phases.get(p).forEach((k, v) -> counts.put(k, v.sum()));
        return counts;
    }

    private long total(int p) {
        return phases.get(p).values().stream().mapToLong(LongAdder::sum).sum();
    }

    private static void assertShares(Map<String, Long> counts, Map<String, Double> expected) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        assertThat(counts.keySet()).as("backends that answered: %s", counts).isEqualTo(expected.keySet());
        expected.forEach((name, share) -> assertThat(counts.get(name) / (double) total)
                .as("share of %s in %s", name, counts).isCloseTo(share, within(SHARE_TOLERANCE)));
    }

    @Test
    void reloadsUnderLoadLoseNoRequestAndFollowTheNewConfiguration() throws Exception {
        for (String name : List.of("a", "b", "c")) {
            f.backend(name);
        }
        phases.add(new ConcurrentHashMap<>());
        f.start(config(List.of(w("a", 1), w("b", 1)), false));
        long testDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TEST_LIMIT_MS);

        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            int id = i;
            clients.add(Thread.ofPlatform().name("client-" + id).start(() -> client(f.address(), id)));
        }
        try {
            // 1. Add c.
            assertShares(reloadAndMeasure(config(List.of(w("a", 1), w("b", 1), w("c", 1)), false), testDeadline),
                    Map.of("a", 1 / 3.0, "b", 1 / 3.0, "c", 1 / 3.0));
            // 2. Re-weight 1:2:3.
            assertShares(reloadAndMeasure(config(List.of(w("a", 1), w("b", 2), w("c", 3)), false), testDeadline),
                    Map.of("a", 1 / 6.0, "b", 2 / 6.0, "c", 3 / 6.0));
            // 3. Remove a: nothing more reaches it.
            assertShares(reloadAndMeasure(config(List.of(w("b", 2), w("c", 3)), false), testDeadline),
                    Map.of("b", 2 / 5.0, "c", 3 / 5.0));
            int aSawWhenRemoved = f.backendNamed("a").requests();

            // 4. Add a second listener; it serves, and the web clients do not notice.
            reloadAndMeasure(config(List.of(w("b", 2), w("c", 3)), true), testDeadline);
            InetSocketAddress admin = f.proxy().boundAddresses().get("admin");
            assertThat(admin).isNotNull();
            try (RawHttp adminConn = new RawHttp(admin)) {
                assertThat(adminConn.send("GET /admin HTTP/1.1\r\nHost: test\r\n\r\n").read().status()).isEqualTo(200);

                // 5. Re-weight 3:1.
                assertShares(reloadAndMeasure(config(List.of(w("b", 3), w("c", 1)), true), testDeadline),
                        Map.of("b", 3 / 4.0, "c", 1 / 4.0));

                // 6. Remove the second listener: it accepts no more, its open connection still serves.
                reloadAndMeasure(config(List.of(w("b", 3), w("c", 1)), false), testDeadline);
                assertThat(f.proxy().boundAddresses()).containsOnlyKeys("web");
                assertThatThrownBy(() -> new RawHttp(admin).close()).isInstanceOf(ConnectException.class);
                assertThat(adminConn.send("GET /admin HTTP/1.1\r\nHost: test\r\n\r\n").read().status()).isEqualTo(200);
            }
            assertThat(f.backendNamed("a").requests()).as("requests to removed backend a").isEqualTo(aSawWhenRemoved);

            // 7. Add a back.
            assertShares(reloadAndMeasure(config(List.of(w("a", 2), w("b", 1), w("c", 1)), false), testDeadline),
                    Map.of("a", 2 / 4.0, "b", 1 / 4.0, "c", 1 / 4.0));
            // 8. Weight 0 takes c out of rotation.
            assertShares(reloadAndMeasure(config(List.of(w("a", 1), w("b", 1), w("c", 0)), false), testDeadline),
                    Map.of("a", 1 / 2.0, "b", 1 / 2.0));
            // 9. Remove b.
            assertShares(reloadAndMeasure(config(List.of(w("a", 1), w("c", 1)), false), testDeadline),
                    Map.of("a", 1 / 2.0, "c", 1 / 2.0));
            int bSawWhenRemoved = f.backendNamed("b").requests();
            // 10. Back to three equal backends, b as a new backend object.
            assertShares(reloadAndMeasure(config(List.of(w("a", 1), w("b", 1), w("c", 1)), false), testDeadline),
                    Map.of("a", 1 / 3.0, "b", 1 / 3.0, "c", 1 / 3.0));
            assertThat(f.backendNamed("b").requests()).isGreaterThan(bSawWhenRemoved);
        } finally {
            stop = true;
            for (Thread t : clients) {
                t.join(TimeUnit.SECONDS.toMillis(10));
            }
        }
        assertThat(clients).noneMatch(Thread::isAlive);
        assertThat(failures).as("failed requests or dropped connections").isEmpty();
        assertThat(phase).hasValue(10);
    }
}
