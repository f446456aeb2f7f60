package io.fulcrum.proxy.http;

import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import io.fulcrum.testsupport.config.PoolConfigBuilder;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PassiveHealthConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.TimeoutsConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.testsupport.RawHttp;
import io.fulcrum.proxy.testing.ScriptedOrigin;
import io.fulcrum.proxy.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 24 item 3: the response timeout runs from the moment the whole request went to the
 * backend, and a timeout the client causes (its body still arriving) does not count against
 * the backend. Passive health ejects after one failure here, so a wrongly blamed backend shows
 * at once as a 503 for the next client. The upload is a raw socket writing one byte at a time.
 */
class TimeoutBlameTest {

    private final ProxyFixture f = new ProxyFixture();
    private ScriptedOrigin origin;

    @AfterEach
    void stop() throws Exception {
        f.close();
        origin.close();
    }

    private void start(Duration requestTimeout, Duration responseTimeout) throws Exception {
        origin = ScriptedOrigin.start();
        PoolConfig p = PoolConfigBuilder.pool("p")
                .responseTimeout(responseTimeout)
                .passiveHealth(new PassiveHealthConfig(true, 1, Duration.ofMinutes(10), Duration.ofMinutes(10), false))
                .backends(List.of(new BackendConfig(null, HostPort.parse(origin.address()), 1, null, null, null, null, null)))
                .build();
        ListenerConfig l = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                .timeouts(new TimeoutsConfig(null, null, requestTimeout))
                .routes(List.of(new RouteConfig("all", null, "p", null)))
                .build();
        f.start(TestConfigs.single(l, p));
    }

    /**
     * A 4-byte body at one byte per 400 ms takes longer than the 500 ms response timeout: it
     * got 504 and the backend was ejected (the next request 503). HAProxy 2.6 ({@code timeout
     * server 500ms}, the same upload, same origin): 200.
     */
    @Test
    void aSlowUploadToAHealthyBackendIsNotAResponseTimeout() throws Exception {
        start(Duration.ofSeconds(30), Duration.ofMillis(500));
        try (RawHttp c = new RawHttp(f.address())) {
            c.send("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\n");
            for (char b : "abcd".toCharArray()) {
                Thread.sleep(400);
                c.send(String.valueOf(b));
            }
            assertThat(c.read().status()).isEqualTo(200);
        }
        assertThat(get("/after").status()).isEqualTo(200);
    }

    /**
     * A client that stops sending its body gets 408 at the request timeout, and the backend is
     * not blamed: it was 504 with an ejection (next request 503). HAProxy 2.6 does blame the server
     * here: with {@code timeout client 800ms}, {@code timeout server 3s} and {@code observe layer7
     * error-limit 1 on-error mark-down} the same stalled upload got 504 after 3 s and the next
     * request 503.
     */
    @Test
    void aStalledUploadIsTheClientsTimeoutNotTheBackends() throws Exception {
        start(Duration.ofMillis(800), Duration.ofSeconds(30));
        try (RawHttp c = new RawHttp(f.address())) {
            c.send("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nab");
            assertThat(c.read().status()).isEqualTo(408);
        }
        assertThat(get("/after").status()).isEqualTo(200);
    }

    private RawHttp.Response get(String path) throws Exception {
        try (RawHttp c = new RawHttp(f.address())) {
            return c.send("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n").read();
        }
    }
}
