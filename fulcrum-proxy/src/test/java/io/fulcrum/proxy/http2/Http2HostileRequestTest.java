package io.fulcrum.proxy.http2;

import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.core.config.AccessLogConfig;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.ConnectConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.Http2Config;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.RouteMatch;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.proxy.testing.ScriptedOrigin;
import io.fulcrum.proxy.testing.TestConfigs;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile HTTP/2 requests from issue 24 (items 1, 10 and 16), frame by frame from Netty's
 * HTTP/2 client over h2c, against a raw origin that records what reaches it. One route only,
 * for {@code public.example}. Each refused stream gets its answer on its own stream; the
 * connection keeps serving.
 */
class Http2HostileRequestTest {

    @TempDir
    Path dir;

    private final ProxyFixture f = new ProxyFixture();
    private ScriptedOrigin origin;
    private Path accessLog;

    @BeforeEach
    void start() throws Exception {
        origin = ScriptedOrigin.start();
        origin.hang("/hang");
        accessLog = dir.resolve("access.log");
        ListenerConfig l = listener(null);
        f.start(FulcrumConfigBuilder.config()
                .server(TestConfigs.server())
                .accessLog(new AccessLogConfig(true, "text", accessLog.toString()))
                .listeners(List.of(l))
                .pools(List.of(TestConfigs.pool("p", "round-robin",
                        List.of(new BackendConfig(null, HostPort.parse(origin.address()), 1, null, null, null, null, null)))))
                .build());
    }

    /** The h2c listener with its one route, and this CONNECT setting. */
    private static ListenerConfig listener(ConnectConfig connect) {
        return new ListenerConfig("web", HostPort.of("127.0.0.1", 0), null, null, null, null,
                List.of(new RouteConfig("public", new RouteMatch(List.of("public.example"), null, null, null, null),
                        "p", null)), null, new Http2Config(true, null, null, null), null, connect, null);
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
        origin.close();
    }

    private static Http2Headers get(String scheme, String path) {
        return new DefaultHttp2Headers().method("GET").scheme(scheme).path(path).authority("public.example");
    }

    private static String status(H2TestClient.Response r) throws Exception {
        r.done.get(10, TimeUnit.SECONDS);
        return r.status;
    }

    /**
     * Item 1: {@code :path} in absolute form is malformed in HTTP/2 (RFC 9113 section 8.3.1);
     * it was forwarded as it was and the origin served internal.example. HAProxy 2.6 ({@code bind
     * proto h2}, same origin; client python3-h2): RST_STREAM PROTOCOL_ERROR.
     */
    @Test
    void anAbsolutePathIsRefused() throws Exception {
        try (H2TestClient c = new H2TestClient(f.address())) {
            assertThat(status(c.send(get("http", "http://internal.example/secret"), null, null))).isEqualTo("400");
            assertThat(status(c.send(get("http", "/fine"), null, null))).isEqualTo("200");
        }
        assertThat(origin.seen()).extracting(ScriptedOrigin.Seen::target).containsExactly("/fine");
    }

    /**
     * Item 10: CONNECT was forwarded to the origin; there is no tunnel to offer. HAProxy 2.6: 503
     * here (its host ACL did not match "public.example:443", so no backend).
     */
    @Test
    void connectIsRefused() throws Exception {
        try (H2TestClient c = new H2TestClient(f.address())) {
            Http2Headers connect = new DefaultHttp2Headers().method("CONNECT").authority("public.example:443");
            assertThat(status(c.send(connect, null, null))).isEqualTo("501");
        }
        assertThat(origin.seen()).isEmpty();
    }

    /**
     * A listener that opts in to CONNECT tunnels them over HTTP/1.1 only: an HTTP/2 CONNECT
     * (RFC 9113 section 8.5) still gets 501 on its stream and reaches no backend; the connection
     * keeps serving.
     */
    @Test
    void connectStaysRefusedOverHttp2WhereTheListenerOptsIn() throws Exception {
        f.proxy().apply(TestConfigs.single(listener(new ConnectConfig(true, null)), TestConfigs.pool("p", "round-robin", List.of(new BackendConfig(null, HostPort.parse(origin.address()), 1, null, null, null, null, null)))));
        try (H2TestClient c = new H2TestClient(f.address())) {
            Http2Headers connect = new DefaultHttp2Headers().method("CONNECT").authority("public.example:443");
            assertThat(status(c.send(connect, null, null))).isEqualTo("501");
            assertThat(status(c.send(get("http", "/after"), null, null))).isEqualTo("200");
        }
        assertThat(origin.seen()).extracting(ScriptedOrigin.Seen::target).containsExactly("/after");
    }

    /** Item 10: {@code :scheme ftp} was accepted and forwarded. HAProxy 2.6: forwarded too (200). */
    @Test
    void aSchemeOtherThanHttpOrHttpsIsRefused() throws Exception {
        try (H2TestClient c = new H2TestClient(f.address())) {
            assertThat(status(c.send(get("ftp", "/file"), null, null))).isEqualTo("400");
        }
        assertThat(origin.seen()).isEmpty();
    }

    /**
     * Item 10: trailers carrying Content-Length or Host were forwarded to the backend (the
     * HTTP/1.1 decoder drops Content-Length from trailers; a backend that merges trailers would
     * act on them). The stream is refused and the backend connection dropped mid-request.
     * HAProxy 2.6: RST_STREAM INTERNAL_ERROR for both.
     */
    @Test
    void trailersWithFramingOrRoutingFieldsAreRefused() throws Exception {
        try (H2TestClient c = new H2TestClient(f.address())) {
            Http2Headers post = new DefaultHttp2Headers().method("POST").scheme("http").path("/t")
                    .authority("public.example");
            for (String field : List.of("content-length", "host")) {
                Http2Headers trailers = new DefaultHttp2Headers().add(field, field.equals("host") ? "internal" : "99");
                assertThat(status(c.send(post, "hi".getBytes(StandardCharsets.US_ASCII), trailers))).as(field)
                        .isEqualTo("400");
            }
            Http2Headers fine = new DefaultHttp2Headers().add("x-checksum", "1");
            assertThat(status(c.send(post, "hi".getBytes(StandardCharsets.US_ASCII), fine))).isEqualTo("200");
        }
    }

    /**
     * Item 16: 60 streams opened and reset at once by one client wrote 60 access-log lines; now
     * the first few are logged one by one and the rest as one summary line.
     */
    @Test
    void rapidResetStreamsAreLoggedAsASummary() throws Exception {
        int streams = 60;
        try (H2TestClient c = new H2TestClient(f.address())) {
            List<H2TestClient.Response> opened = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                opened.add(c.send(get("http", "/hang?" + i), null, null));
            }
            await().atMost(10, TimeUnit.SECONDS).until(() -> origin.seen().size() == streams);
            opened.forEach(H2TestClient.Response::cancel);
            // A last request on the same connection, answered: the resets did not end it.
            assertThat(status(c.send(get("http", "/fine"), null, null))).isEqualTo("200");
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> Files.exists(accessLog)
                && Files.readString(accessLog).contains("more streams abandoned"));
        List<String> lines = Files.readAllLines(accessLog);
        long oneByOne = lines.stream().filter(l -> l.contains("/hang?")).count();
        assertThat(oneByOne).isPositive().isLessThan(streams / 2);
        assertThat(lines).anyMatch(l -> l.contains((streams - oneByOne) + " more streams abandoned by the client"));
    }
}
