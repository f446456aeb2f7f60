package io.fulcrum.proxy.http;

import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.testsupport.RawHttp;
import io.fulcrum.proxy.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.pool;
import static io.fulcrum.proxy.testing.TestConfigs.single;
import static org.assertj.core.api.Assertions.assertThat;

/** Connections to backends are kept alive and reused: counted at the backend's accept. */
class ConnectionReuseTest {

    private final ProxyFixture f = new ProxyFixture();

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void sequentialRequestsReuseOneBackendConnection() throws Exception {
        TestBackend a = f.backend("a");
        f.start(single(pool("p", "round-robin", List.of(backend(a, 1)))));
        for (int i = 0; i < 200; i++) {
            try (RawHttp c = new RawHttp(f.address())) {
                // A new client connection each time: only the backend side can be reused.
                assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            }
        }
        assertThat(a.requests()).isEqualTo(200);
        // Client connections land on one of two event loops, each with its own pool.
        assertThat(a.accepts()).isBetween(1, 2);
    }

    @Test
    void concurrentClientsShareABoundedSetOfBackendConnections() throws Exception {
        TestBackend a = f.backend("a");
        TestBackend b = f.backend("b");
        f.start(single(pool("p", "round-robin", List.of(backend(a, 1), backend(b, 1)))));
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < 10; t++) {
            results.add(pool.submit(() -> {
                int ok = 0;
                try (RawHttp c = new RawHttp(f.address())) {
                    for (int i = 0; i < 100; i++) {
                        if (c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status() == 200) {
                            ok++;
                        }
                    }
                }
                return ok;
            }));
        }
        int ok = 0;
        for (Future<Integer> r : results) {
            ok += r.get();
        }
        pool.shutdown();
        assertThat(ok).isEqualTo(1000);
        assertThat(a.requests() + b.requests()).isEqualTo(1000);
        // At most one backend connection per concurrent request, far fewer than the requests.
        assertThat(a.accepts()).isLessThanOrEqualTo(10);
        assertThat(b.accepts()).isLessThanOrEqualTo(10);
    }

    @Test
    void backendThatClosesAfterTheResponseIsNotReused() throws Exception {
        TestBackend a = f.backend("a");
        f.start(single(pool("p", "round-robin", List.of(backend(a, 1)))));
        try (RawHttp c = new RawHttp(f.address())) {
            for (int i = 0; i < 5; i++) {
                // "Connection: close" from the client is hop-by-hop: the backend connection stays reusable.
                assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            }
        }
        assertThat(a.accepts()).isEqualTo(1);
    }
}
