package io.fulcrum.proxy.http;

import io.fulcrum.testsupport.config.PoolConfigBuilder;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.proxy.testing.TestBackend;
import io.fulcrum.proxy.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A reload that changes how a pool connects to its backends (here HTTP/1.1 to h2c) must
 * not send the next request over a keep-alive connection opened the old way: the idle
 * connections of that pool are retired, so the next request opens one the new way.
 * Before, the idle HTTP/1.1 connection was reused and the backend never saw HTTP/2.
 */
class PoolConnectionSettingsReloadTest {

    private final ProxyFixture f = new ProxyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private static FulcrumConfig withProtocol(TestBackend b, String protocol) {
        PoolConfig p = TestConfigs.pool("p", "round-robin", List.of(TestConfigs.backend(b, 1)));
        PoolConfig withProtocol = PoolConfigBuilder.from(p)
                .protocol(protocol)
                .build();
        return TestConfigs.single(withProtocol);
    }

    @Test
    void theIdleConnectionOfAPoolSwitchedToH2cIsNotReused() throws Exception {
        TestBackend b = f.backend("b");
        f.start(withProtocol(b, PoolConfig.HTTP1));
        assertThat(f.get("/").statusCode()).isEqualTo(200);
        assertThat(b.accepts()).isEqualTo(1); // and that connection now waits idle in the pool

        f.proxy().apply(withProtocol(b, "h2c"));
        f.get("/"); // an HTTP/1.1-only backend cannot answer HTTP/2: the status does not matter

        // A new connection carried the HTTP/2 preface (the backend's HTTP/1.1 decoder refuses it as a
        // bad request); the old connection carried no second HTTP/1.1 request. The refused preface
        // may be retried on yet another new connection, so the count is at least two, not exactly.
        await().atMost(Duration.ofSeconds(10)).until(() -> b.accepts() >= 2);
        assertThat(b.seenRequestLines()).containsOnlyOnce("GET / HTTP/1.1");
    }
}
