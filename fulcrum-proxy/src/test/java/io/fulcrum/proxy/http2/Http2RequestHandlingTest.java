package io.fulcrum.proxy.http2;

import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import io.fulcrum.testsupport.config.PoolConfigBuilder;
import io.fulcrum.testsupport.Commands;
import io.fulcrum.core.config.AccessLogConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.Http2Config;
import io.fulcrum.core.config.LimitsConfig;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.RouteMatch;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.proxy.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.pool;
import static io.fulcrum.proxy.testing.TestConfigs.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP/1.1 request handling on HTTP/2 streams: refusals answer one stream and leave the
 * connection serving, limits, Expect, the access log and h2 on both sides at once.
 */
class Http2RequestHandlingTest {

    @TempDir
    Path dir;

    private final ProxyFixture f = new ProxyFixture();

    @AfterEach
    void stop() {
        f.close();
    }

    private TestBackend start(Http2Config h2, LimitsConfig limits, AccessLogConfig log, boolean h2Backend)
            throws Exception {
        TestBackend b = h2Backend ? f.h2Backend("b1", null) : f.backend("b1");
        PoolConfig p = pool("p", "round-robin", List.of(backend(b, 1)));
        if (h2Backend) {
            p = PoolConfigBuilder.from(p)
                    .protocol("h2c")
                    .build();
        }
        ListenerConfig l = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                .limits(limits)
                .routes(List.of(new RouteConfig("api", new RouteMatch(List.of("127.0.0.1"), null, null, null, null), "p", null)))
                .http2(h2)
                .build();
        f.start(FulcrumConfigBuilder.config()
                .server(server())
                .accessLog(log == null ? new AccessLogConfig(false, null, null) : log)
                .listeners(List.of(l))
                .pools(List.of(p))
                .build());
        return b;
    }

    private String url(String path) {
        return "http://127.0.0.1:" + f.address().getPort() + path;
    }

    private static void assumeCurl() {
        Assumptions.assumeTrue(Commands.works("curl", "--version"), "curl is not installed");
    }

    @Test
    void refusedStreamsDoNotEndTheConnection() throws Exception {
        start(new Http2Config(true, null, null, null), new LimitsConfig(null, null, 100L, null), null, false);
        try (H2TestClient c = new H2TestClient(f.address())) {
            // One connection, three streams one after the other: 404 (no route for the host), 413 (a body
            // over the limit, answered before it is read), then 200.
            H2TestClient.Response noRoute = c.request("GET", "/nothing", "nowhere.test", null, true);
            noRoute.done.get(10, TimeUnit.SECONDS);
            assertThat(noRoute.status).isEqualTo("404");
            H2TestClient.Response tooBig = c.request("POST", "/post", "127.0.0.1", new byte[500], true);
            tooBig.done.get(10, TimeUnit.SECONDS);
            assertThat(tooBig.status).isEqualTo("413");
            H2TestClient.Response ok = c.request("GET", "/ok", "127.0.0.1", null, true);
            assertThat(ok.done.get(10, TimeUnit.SECONDS)).isEqualTo(2L);
            assertThat(ok.status).isEqualTo("200");
            assertThat(c.goAwayReceived).isFalse();
            assertThat(f.proxy().clientConnections()).isEqualTo(1);
        }
    }

    @Test
    void aHeaderListOverTheLimitGets431() throws Exception {
        assumeCurl();
        start(new Http2Config(true, null, 4096, null), null, null, false);
        // Over the limit but under 1.25 times it: that stream gets 431 (far larger lists end the connection).
        String out = Commands.run("curl", "-sS", "--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_code}",
                "-H", "X-Big: " + "y".repeat(4300), url("/big"));
        assertThat(out).isEqualTo("431");
        assertThat(f.backendNamed("b1").requests()).isZero();
    }

    @Test
    void expectContinueOverH2() throws Exception {
        assumeCurl();
        TestBackend b = start(new Http2Config(true, null, null, null), null, null, false);
        Path body = Files.write(dir.resolve("body"), new byte[200_000]);
        String out = Commands.run("curl", "-sS", "--http2-prior-knowledge", "-H", "Expect: 100-continue",
                "--data-binary", "@" + body, url("/upload"));
        assertThat(out).isEqualTo("200000");
        assertThat(b.seenHeaders().getFirst().get("Expect")).isNull();
    }

    @Test
    void theAccessLogSaysHttp2() throws Exception {
        assumeCurl();
        Path log = dir.resolve("access.log");
        start(new Http2Config(true, null, null, null), null, new AccessLogConfig(true, "json", log.toString()), false);
        Commands.run("curl", "-sS", "--http2-prior-knowledge", url("/logged"));
        await().atMost(5, TimeUnit.SECONDS).until(() -> Files.exists(log) && Files.readString(log).contains("/logged"));
        assertThat(Files.readString(log)).contains("\"protocol\":\"HTTP/2.0\"").contains("\"status\":200");
    }

    @Test
    void h2OnBothSides() throws Exception {
        assumeCurl();
        TestBackend b = start(new Http2Config(true, null, null, null), null, null, true);
        // (curl 7.88 cannot reuse a prior-knowledge connection for a second URL: one curl per request.)
        for (String path : List.of("/both", "/both-again")) {
            assertThat(Commands.run("curl", "-sS", "--http2-prior-knowledge", "-w", "\n%{http_version}", url(path)))
                    .isEqualTo("b1\n2");
        }
        assertThat(b.h2Streams()).isEqualTo(2);
    }
}
