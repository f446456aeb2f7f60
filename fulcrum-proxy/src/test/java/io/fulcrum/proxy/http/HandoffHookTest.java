package io.fulcrum.proxy.http;

import io.fulcrum.testsupport.config.PoolConfigBuilder;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.QueueConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.proxy.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.pool;
import static io.fulcrum.proxy.testing.TestConfigs.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The GSLB hand-off hook: consulted only where a 503 would be produced, never for a request served normally. */
class HandoffHookTest {

    private final ProxyFixture f = new ProxyFixture();
    private final List<String> asked = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        f.close();
    }

    private Handoff redirectingTo(String base, int status) {
        return (listener, host, uri) -> {
            asked.add(listener + " " + uri);
            return new Handoff.Redirect(status, base + uri);
        };
    }

    @Test
    void noHealthyBackendRedirectsWhenTheHookHasATarget() throws Exception {
        TestBackend a = f.backend("a");
        f.start(single(pool("p", "round-robin", List.of(backend(a, 1)))));
        f.proxy().handoff(redirectingTo("http://other.example", 307));

        assertThat(f.get("/ok").statusCode()).isEqualTo(200);
        assertThat(asked).as("a request served normally never asks").isEmpty();

        f.proxy().backend("p", "a").setState(BackendState.DOWN);
        HttpResponse<String> r = f.get("/shop?q=1");
        assertThat(r.statusCode()).isEqualTo(307);
        assertThat(r.headers().firstValue("location")).hasValue("http://other.example/shop?q=1");
        assertThat(asked).containsExactly("web /shop?q=1");
        assertThat(a.requests()).isEqualTo(1);
    }

    @Test
    void noTargetLeavesThe503() throws Exception {
        TestBackend a = f.backend("a");
        f.start(single(pool("p", "round-robin", List.of(backend(a, 1)))));
        f.proxy().handoff((listener, host, uri) -> null);
        f.proxy().backend("p", "a").setState(BackendState.DOWN);
        HttpResponse<String> r = f.get("/");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("location")).isEmpty();
    }

    @Test
    void fullBackendsWithAFullQueueRedirect() throws Exception {
        TestBackend a = f.backend("a");
        a.delay(600);
        var limited = new BackendConfig("a", HostPort.parse(a.address()), 1, 1, null, null, null, null);
        var p = PoolConfigBuilder.pool("p")
                .queue(new QueueConfig(1, Duration.ofSeconds(5)))
                .backends(List.of(limited))
                .build();
        f.start(single(p));
        f.proxy().handoff(redirectingTo("https://far.example", 302));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<HttpResponse<String>> first = pool.submit(() -> f.get("/"));
            await().until(() -> f.proxy().backend("p", "a").activeRequests() == 1);
            Future<HttpResponse<String>> queued = pool.submit(() -> f.get("/"));
            await().until(() -> f.proxy().runtime().pools().get("p").queue().size() == 1);
            HttpResponse<String> handedOff = f.get("/x");
            assertThat(handedOff.statusCode()).isEqualTo(302);
            assertThat(handedOff.headers().firstValue("location")).hasValue("https://far.example/x");
            assertThat(first.get().statusCode()).isEqualTo(200);
            assertThat(queued.get().statusCode()).isEqualTo(200);
        } finally {
            pool.shutdownNow();
        }
    }
}
