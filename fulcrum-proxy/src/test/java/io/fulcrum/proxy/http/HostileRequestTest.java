package io.fulcrum.proxy.http;

import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.core.config.AccessLogConfig;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.RouteMatch;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.testsupport.RawHttp;
import io.fulcrum.proxy.testing.ScriptedOrigin;
import io.fulcrum.proxy.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile HTTP/1.1 requests from issue 24 (items 1, 7, 8, 9, 10), as raw bytes on a socket,
 * against a raw origin that records the request heads it gets. One route only, for
 * {@code public.example}. Each case names what HAProxy 2.6 did with the same bytes and the
 * same origin (run on loopback, {@code mode http}, default options).
 */
class HostileRequestTest {

    @TempDir
    Path dir;

    private final ProxyFixture f = new ProxyFixture();
    private ScriptedOrigin origin;
    private Path accessLog;

    @BeforeEach
    void start() throws Exception {
        origin = ScriptedOrigin.start();
        accessLog = dir.resolve("access.log");
        RouteConfig publicOnly = new RouteConfig("public",
                new RouteMatch(List.of("public.example"), null, null, null, null), "p", null);
        f.start(FulcrumConfigBuilder.config()
                .server(TestConfigs.server())
                .accessLog(new AccessLogConfig(true, "text", accessLog.toString()))
                .listeners(List.of(TestConfigs.listener(List.of(publicOnly))))
                .pools(List.of(TestConfigs.pool("p", "round-robin", List.of(new BackendConfig(null, HostPort.parse(origin.address()), 1, null, null, null, null, null)))))
                .build());
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
        origin.close();
    }

    private RawHttp.Response send(String raw) throws Exception {
        try (RawHttp c = new RawHttp(f.address())) {
            return c.send(raw.getBytes(StandardCharsets.ISO_8859_1)).read();
        }
    }

    // ---- item 1: absolute-form targets ----------------------------------------------------------

    /**
     * The authority of an absolute-form target replaces Host (RFC 9112 section 3.2.2) and routing
     * uses it: {@code internal.example} has no route. Before: routed on Host and forwarded with the
     * absolute target, so the origin served internal.example. HAProxy: 400 (Host and authority differ).
     */
    @Test
    void anAbsoluteTargetIsRoutedOnItsAuthorityNotOnHost() throws Exception {
        RawHttp.Response r = send("GET http://internal.example/secret HTTP/1.1\r\nHost: public.example\r\n\r\n");
        assertThat(r.status()).isEqualTo(404);
        assertThat(origin.seen()).isEmpty();
    }

    /**
     * The backend gets origin-form and Host from the authority. Before: 404 (routed on Host
     * "other"). HAProxy: 400 for the differing Host; with a matching Host it forwards the
     * absolute-form target unchanged.
     */
    @Test
    void anAbsoluteTargetReachesTheBackendInOriginFormWithItsAuthorityAsHost() throws Exception {
        RawHttp.Response r = send("GET HTTP://public.example?q=1 HTTP/1.1\r\nHost: other\r\n\r\n");
        assertThat(r.status()).isEqualTo(200);
        ScriptedOrigin.Seen seen = origin.seen().getFirst();
        assertThat(seen.head()).startsWith("GET /?q=1 HTTP/1.1\r\n");
        assertThat(seen.header("Host")).isEqualTo("public.example");
    }

    // ---- items 7, 8, 10: refused before anything reaches the origin -----------------------------

    static Stream<Arguments> refused() {
        return Stream.of(
                // item 7 (HAProxy 422 for the first three, 400 for the fourth; Fulcrum answers 400 for every
                // framing it will not forward, as for Content-Length with Transfer-Encoding)
                Arguments.of("TE identity, chunked", "POST / HTTP/1.1\r\nHost: public.example\r\n"
                        + "Transfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("TE gzip, chunked", "POST / HTTP/1.1\r\nHost: public.example\r\n"
                        + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("two TE headers x and chunked", "POST / HTTP/1.1\r\nHost: public.example\r\n"
                        + "Transfer-Encoding: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("TE chunked, chunked", "POST / HTTP/1.1\r\nHost: public.example\r\n"
                        + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400),
                // item 8 (HAProxy: 400 for NUL, control byte, raw UTF-8, fragment, no leading slash;
                // it forwards DEL)
                Arguments.of("NUL in target", "GET /a\u0000b HTTP/1.1\r\nHost: public.example\r\n\r\n", 400),
                Arguments.of("control byte in target", "GET /a\u0001b HTTP/1.1\r\nHost: public.example\r\n\r\n", 400),
                Arguments.of("DEL in target", "GET /a\u007fb HTTP/1.1\r\nHost: public.example\r\n\r\n", 400),
                Arguments.of("raw bytes above 0x7F", "GET /a\u00c3\u00a9 HTTP/1.1\r\nHost: public.example\r\n\r\n",
                        400),
                Arguments.of("fragment", "GET /a#frag HTTP/1.1\r\nHost: public.example\r\n\r\n", 400),
                Arguments.of("no leading slash", "GET abc HTTP/1.1\r\nHost: public.example\r\n\r\n", 400),
                // HAProxy forwards these two
                Arguments.of("'*' for GET", "GET * HTTP/1.1\r\nHost: public.example\r\n\r\n", 400),
                Arguments.of("absolute target with user information",
                        "GET http://me@public.example/ HTTP/1.1\r\nHost: public.example\r\n\r\n", 400),
                // item 10 (HAProxy: the preface switches the connection to HTTP/2, HTTP/2.0 and HTTP/9.9 are
                // forwarded as HTTP/1.1, lowercase "http/1.1" is 400, CONNECT is forwarded to the origin)
                Arguments.of("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
                Arguments.of("HTTP/2.0 request line", "GET / HTTP/2.0\r\nHost: public.example\r\n\r\n", 505),
                Arguments.of("HTTP/9.9", "GET / HTTP/9.9\r\nHost: public.example\r\n\r\n", 505),
                Arguments.of("lowercase version", "GET / http/1.1\r\nHost: public.example\r\n\r\n", 400),
                Arguments.of("CONNECT", "CONNECT public.example:443 HTTP/1.1\r\nHost: public.example:443\r\n\r\n",
                        501));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void isRefusedClosedAndNeverForwarded(String name, String raw, int status) throws Exception {
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response r = c.send(raw.getBytes(StandardCharsets.ISO_8859_1)).read();
            assertThat(r.status()).as(name).isEqualTo(status);
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(c.isClosedByPeer()).isTrue();
        }
        assertThat(origin.seen()).as(name).isEmpty();
    }

    /** OPTIONS * stays as it is (the one target that is neither origin- nor absolute-form). */
    @Test
    void optionsStarIsForwarded() throws Exception {
        assertThat(send("OPTIONS * HTTP/1.1\r\nHost: public.example\r\n\r\n").status()).isEqualTo(200);
        assertThat(origin.seen().getFirst().head()).startsWith("OPTIONS * HTTP/1.1\r\n");
    }

    // ---- item 8: the access log ------------------------------------------------------------------

    /**
     * A quote (valid in a target, forwarded by HAProxy too) and an ESC byte (refused) both reach the
     * text access log escaped: one line per request, the quoted request field closes where it should.
     */
    @Test
    void theTextAccessLogEscapesWhatTheClientSent() throws Exception {
        assertThat(send("GET /q\"x HTTP/1.1\r\nHost: public.example\r\n\r\n").status()).isEqualTo(200);
        assertThat(send("GET /e\u001b[31m HTTP/1.1\r\nHost: public.example\r\n\r\n").status()).isEqualTo(400);
        await().atMost(5, TimeUnit.SECONDS).until(() -> Files.exists(accessLog)
                && Files.readAllLines(accessLog).size() >= 2);
        String log = Files.readString(accessLog, StandardCharsets.ISO_8859_1);
        assertThat(log).contains("\"GET /q\\\"x HTTP/1.1\"").contains("\"GET /e\\x1b[31m HTTP/1.1\"")
                .doesNotContain("\u001b");
    }

    // ---- item 9: Connection cannot name Host ------------------------------------------------------

    /**
     * {@code Connection: Host} must not strip the client's Host (the backend then got the proxy's
     * own backend address instead); other names are still hop-by-hop. HAProxy keeps Host too.
     */
    @Test
    void connectionCannotRemoveHostOrFraming() throws Exception {
        RawHttp.Response r = send("POST /c HTTP/1.1\r\nHost: public.example\r\nConnection: Host, Content-Length, "
                + "X-Hop\r\nX-Hop: 1\r\nContent-Length: 2\r\n\r\nhi");
        assertThat(r.status()).isEqualTo(200);
        ScriptedOrigin.Seen seen = origin.seen().getFirst();
        assertThat(seen.header("Host")).isEqualTo("public.example");
        assertThat(seen.header("Content-Length")).isEqualTo("2");
        assertThat(seen.header("X-Hop")).isNull();
    }
}
