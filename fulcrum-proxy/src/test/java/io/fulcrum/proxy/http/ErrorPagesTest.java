package io.fulcrum.proxy.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.config.AccessLogConfig;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.ErrorPageConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.proxy.ProxyServer;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.proxy.testing.TestBackend;
import io.fulcrum.proxy.testing.TestConfigs;
import io.fulcrum.testsupport.Commands;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The proxy's own answers (issue 23, error pages): a body names the status and nothing of the
 * backend, whose failure goes to the access log; a listener's own pages, per status, with their
 * type and length, read again at every reload. Requests by curl over real sockets.
 */
class ErrorPagesTest {

    @TempDir
    Path dir;
    private final ProxyFixture f = new ProxyFixture();
    private Path log;

    @BeforeEach
    void curl() {
        Assumptions.assumeTrue(Commands.works("curl", "--version"), "curl is needed");
        log = dir.resolve("access.log");
    }

    @AfterEach
    void stop() {
        f.close();
    }

    /** Listener web (with these pages) and listener plain (with none), both to pool p. */
    private FulcrumConfig config(PoolConfig pool, ErrorPageConfig... pages) {
        ListenerConfigBuilder web = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                .routes(List.of(new RouteConfig("all", null, "p", null)));
        for (ErrorPageConfig page : pages) {
            web.errorPage(page);
        }
        ListenerConfig plain = ListenerConfigBuilder.listener("plain", HostPort.of("127.0.0.1", 0))
                .routes(List.of(new RouteConfig("all", null, "p", null))).build();
        return FulcrumConfigBuilder.config().server(server())
                .accessLog(new AccessLogConfig(true, "json", log.toString(), null,
                        List.of("listener", "status", "backend_address", "error"), null))
                .listener(web.build()).listener(plain).pool(pool).build();
    }

    private static PoolConfig deadPool(int port) {
        return TestConfigs.poolWithRetries("p", "round-robin", 0,
                List.of(new BackendConfig("dead", HostPort.of("127.0.0.1", port), 1, null, null, null, null, null)));
    }

    /** A curl answer: status, headers (lower-case names), body. */
    private record Answer(int status, Map<String, String> headers, String body) {
    }

    private Answer curl(String listener, String path) throws Exception {
        int port = f.proxy().boundAddresses().get(listener).getPort();
        Path headers = dir.resolve("headers.txt");
        String body = Commands.run("curl", "-sS", "--max-time", "10", "-D", headers.toString(),
                "http://127.0.0.1:" + port + path);
        List<String> lines = Files.readAllLines(headers);
        Map<String, String> h = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                h.put(line.substring(0, colon).toLowerCase(), line.substring(colon + 1).trim());
            }
        }
        return new Answer(Integer.parseInt(lines.getFirst().split(" ")[1]), h, body);
    }

    private List<JsonNode> records(int atLeast) throws Exception {
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(log) && Files.readAllLines(log).size() >= atLeast);
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            out.add(new ObjectMapper().readTree(line));
        }
        return out;
    }

    @Test
    void a502ShowsNoBackendAddressAndTheAccessLogHasTheReason() throws Exception {
        int refused = FreePorts.tcp();
        f.start(config(deadPool(refused)));
        Answer a = curl("plain", "/");
        assertThat(a.status()).isEqualTo(502);
        assertThat(a.body()).isEqualTo("502 Bad Gateway\n");
        assertThat(a.headers().get("content-type")).isEqualTo("text/plain");
        JsonNode r = records(1).getFirst();
        assertThat(r.get("status").intValue()).isEqualTo(502);
        assertThat(r.get("backend_address").asText()).isEqualTo("127.0.0.1:" + refused);
        assertThat(r.get("error").asText()).startsWith("connect to 127.0.0.1:" + refused + " failed: ");
    }

    @Test
    void aListenerServesItsOwnPagePerStatusWithItsTypeAndLength() throws Exception {
        Path page502 = dir.resolve("502.html");
        String html = "<!doctype html><title>Sorry</title><p>We are back soon \u2014 r\u00e9essayez.</p>\n";
        Files.writeString(page502, html);
        Path page503 = dir.resolve("busy.json");
        Files.writeString(page503, "{\"error\":\"busy\"}");
        Path page404 = dir.resolve("missing.page");
        Files.writeString(page404, "nothing here");
        f.start(config(deadPool(FreePorts.tcp()), new ErrorPageConfig(502, page502.toString(), null),
                new ErrorPageConfig(503, page503.toString(), null),
                new ErrorPageConfig(404, page404.toString(), "text/x-custom")));

        Answer bad = curl("web", "/");
        assertThat(bad.status()).isEqualTo(502);
        assertThat(bad.body()).isEqualTo(html);
        assertThat(bad.headers().get("content-type")).isEqualTo("text/html; charset=utf-8");
        assertThat(bad.headers().get("content-length"))
                .isEqualTo(String.valueOf(html.getBytes(StandardCharsets.UTF_8).length));

        f.proxy().backend("p", "dead").setState(BackendState.DOWN);
        Answer busy = curl("web", "/");
        assertThat(busy.status()).isEqualTo(503);
        assertThat(busy.body()).isEqualTo("{\"error\":\"busy\"}");
        assertThat(busy.headers().get("content-type")).isEqualTo("application/json");
        assertThat(busy.headers().get("content-length")).isEqualTo("16");

        // The other listener has no pages of its own: the built-in body.
        Answer plain = curl("plain", "/");
        assertThat(plain.status()).isEqualTo(503);
        assertThat(plain.body()).isEqualTo("503 Service Unavailable\n");
    }

    @Test
    void aReloadServesTheEditedPage() throws Exception {
        Path page = dir.resolve("502.txt");
        Files.writeString(page, "first\n");
        FulcrumConfig config = config(deadPool(FreePorts.tcp()), new ErrorPageConfig(502, page.toString(), null));
        f.start(config);
        assertThat(curl("web", "/").body()).isEqualTo("first\n");
        Files.writeString(page, "second, longer\n");
        assertThat(curl("web", "/").body()).as("read at compile time, not per request").isEqualTo("first\n");
        f.proxy().apply(config);
        Answer a = curl("web", "/");
        assertThat(a.body()).isEqualTo("second, longer\n");
        assertThat(a.headers().get("content-length")).isEqualTo("15");
        assertThat(a.headers().get("content-type")).isEqualTo("text/plain; charset=utf-8");
    }

    @Test
    void aMissingPageIsRefusedNamingItsFieldAndAReloadKeepsTheOldOne() throws Exception {
        Path page = dir.resolve("502.html");
        Files.writeString(page, "<p>old</p>");
        f.start(config(deadPool(FreePorts.tcp()), new ErrorPageConfig(502, page.toString(), null)));
        FulcrumConfig missing = config(deadPool(FreePorts.tcp()), new ErrorPageConfig(503, page.toString(), null),
                new ErrorPageConfig(502, dir.resolve("gone.html").toString(), null));
        assertThatThrownBy(() -> ProxyServer.check(missing)).isInstanceOfSatisfying(InvalidFieldException.class,
                e -> {
                    assertThat(e.field()).isEqualTo("listeners[0].errorPages[1].file");
                    assertThat(e.reason()).isEqualTo("no such file: " + dir.resolve("gone.html"));
                });
        assertThatThrownBy(() -> f.proxy().apply(missing)).isInstanceOf(InvalidFieldException.class);
        assertThat(curl("web", "/").body()).isEqualTo("<p>old</p>");

        FulcrumConfig untyped = config(deadPool(FreePorts.tcp()), new ErrorPageConfig(502, dir.resolve("x.bin")
                .toString(), null));
        Files.writeString(dir.resolve("x.bin"), "x");
        assertThatThrownBy(() -> ProxyServer.check(untyped)).isInstanceOfSatisfying(InvalidFieldException.class,
                e -> assertThat(e.field()).isEqualTo("listeners[0].errorPages[0].contentType"));
    }

    @Test
    void aBackendThatAnswersIsNotReplacedByAPage() throws Exception {
        TestBackend b = f.backend("b");
        Path page = dir.resolve("500.html");
        Files.writeString(page, "<p>ours</p>");
        f.start(config(TestConfigs.pool("p", "round-robin", List.of(backend(b, 1))),
                new ErrorPageConfig(500, page.toString(), null)));
        Answer a = curl("web", "/status/500");
        assertThat(a.status()).isEqualTo(500);
        assertThat(a.body()).as("only the proxy's own answers get a page").doesNotContain("ours");
    }
}
