package io.fulcrum.proxy.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.core.config.AccessLogConfig;
import io.fulcrum.core.config.AccessLogField;
import io.fulcrum.core.config.CertificateConfig;
import io.fulcrum.core.config.ForwardedHeadersConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.RequestIdConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.TlsConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.proxy.testing.TestBackend;
import io.fulcrum.testsupport.Commands;
import io.fulcrum.testsupport.RawHttp;
import io.fulcrum.testsupport.TestCertificates;
import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.pool;
import static io.fulcrum.proxy.testing.TestConfigs.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The access log's fields by name and the request id (issue 23, logs), over real sockets: curl
 * over TLS (HTTP/1.1 and HTTP/2) and raw HTTP/1.1, a real backend that records what it got.
 */
class AccessLogFieldsTest {

    private static final String GENERATED = "[0-9a-f]{16}-[0-9a-f]+";

    @TempDir
    Path dir;
    private final ProxyFixture f = new ProxyFixture();

    @AfterEach
    void stop() {
        f.close();
    }

    private Path log() {
        return dir.resolve("access.log");
    }

    private TestBackend start(AccessLogConfig log, TlsConfig tls, RequestIdConfig requestId) throws Exception {
        TestBackend b = f.backend("b1");
        var listener = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                .routes(List.of(new RouteConfig("all", null, "p", null)))
                .forwarded(new ForwardedHeadersConfig(null, null, null, requestId))
                .tls(tls).build();
        f.start(FulcrumConfigBuilder.config().server(server()).accessLog(log).listener(listener)
                .pool(pool("p", "round-robin", List.of(backend(b, 1)))).build());
        return b;
    }

    private List<String> lines(int n) throws Exception {
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(log()) && Files.readAllLines(log()).size() >= n);
        return Files.readAllLines(log());
    }

    private static String curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
        cmd.addAll(Arrays.asList(args));
        return Commands.run(cmd.toArray(String[]::new));
    }

    @Test
    void everyFieldOfATlsRequestInJsonOverHttp1AndHttp2() throws Exception {
        Assumptions.assumeTrue(TestCertificates.opensslAvailable(), "openssl makes the test certificate");
        Assumptions.assumeTrue(Commands.works("curl", "--version"), "curl is needed");
        var cert = TestCertificates.selfSigned(dir, "a", "a.test", "DNS:a.test");
        List<String> all = Arrays.stream(AccessLogField.values()).map(AccessLogField::fieldName).toList();
        TestBackend b = start(new AccessLogConfig(true, "json", log().toString(), null, all, null),
                new TlsConfig(List.of(new CertificateConfig(cert.certFile(), cert.keyFile())), null,
                        List.of("h2", "http/1.1")), null);
        int port = f.address().getPort();
        String resolve = "a.test:" + port + ":127.0.0.1";
        String url = "https://a.test:" + port + "/path/x?q=1";
        curl("--http1.1", "--cacert", cert.cert().toString(), "--resolve", resolve, "-A", "agent/1.0 (test)",
                "-e", "https://ref.example/from", "-H", "X-Request-Id: abc-123", url);
        curl("--http2", "--cacert", cert.cert().toString(), "--resolve", resolve, url);

        List<String> lines = lines(2);
        JsonNode one = new ObjectMapper().readTree(lines.get(0));
        assertThat(one.properties().stream().map(java.util.Map.Entry::getKey).toList()).isEqualTo(all);
        assertThat(one.get("client").asText()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(one.get("client_ip").asText()).isEqualTo("127.0.0.1");
        assertThat(one.get("client_port").isInt()).isTrue();
        assertThat(one.get("listener").asText()).isEqualTo("web");
        assertThat(one.get("route").asText()).isEqualTo("all");
        assertThat(one.get("method").asText()).isEqualTo("GET");
        assertThat(one.get("uri").asText()).isEqualTo("/path/x?q=1");
        assertThat(one.get("path").asText()).isEqualTo("/path/x");
        assertThat(one.get("protocol").asText()).isEqualTo("HTTP/1.1");
        assertThat(one.get("host").asText()).isEqualTo("a.test:" + port);
        assertThat(one.get("status").intValue()).isEqualTo(200);
        assertThat(one.get("bytes_in").longValue()).isZero();
        assertThat(one.get("bytes_out").longValue()).isEqualTo(2); // "b1"
        assertThat(one.get("total_ms").isNumber()).isTrue();
        assertThat(one.get("connect_ms").isNumber()).as("a new backend connection").isTrue();
        assertThat(one.get("backend_ms").isNumber()).isTrue();
        assertThat(one.get("backend").asText()).isEqualTo("p/b1");
        assertThat(one.get("backend_name").asText()).isEqualTo("b1");
        assertThat(one.get("backend_address").asText()).isEqualTo(b.address());
        assertThat(one.get("pool").asText()).isEqualTo("p");
        assertThat(one.get("attempts").intValue()).isEqualTo(1);
        assertThat(one.get("retries").intValue()).isZero();
        assertThat(one.get("user_agent").asText()).isEqualTo("agent/1.0 (test)");
        assertThat(one.get("referer").asText()).isEqualTo("https://ref.example/from");
        assertThat(one.get("request_id").asText()).isEqualTo("abc-123");
        assertThat(one.get("tls_version").asText()).isEqualTo("TLSv1.3");
        assertThat(one.get("sni").asText()).isEqualTo("a.test");
        assertThat(one.get("error").isNull()).isTrue();
        assertThat(b.seenHeaders().get(0).get("X-Request-Id")).as("forwarded as it came").isEqualTo("abc-123");

        JsonNode two = new ObjectMapper().readTree(lines.get(1));
        assertThat(two.get("protocol").asText()).isEqualTo("HTTP/2.0");
        assertThat(two.get("tls_version").asText()).as("read from the stream's connection").isEqualTo("TLSv1.3");
        assertThat(two.get("sni").asText()).isEqualTo("a.test");
        assertThat(two.get("referer").isNull()).isTrue();
        assertThat(two.get("request_id").asText()).matches(GENERATED);
        assertThat(b.seenHeaders().get(1).get("X-Request-Id")).isEqualTo(two.get("request_id").asText());
    }

    @Test
    void aTemplateOnPlainHttpWithGeneratedAndReplacedRequestIds() throws Exception {
        TestBackend b = start(new AccessLogConfig(true, "text", log().toString(),
                "%{method} %{path} %{status} id=%{request_id} tls=%{tls_version} sni=%{sni} ua=\"%{user_agent}\"",
                null, null), null, null);
        String tooLong = "x".repeat(129);
        try (RawHttp c = new RawHttp(f.address())) {
            c.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n").read();
            c.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n").read();
            c.send("GET /c HTTP/1.1\r\nHost: x\r\nX-Request-Id: has space\r\nUser-Agent: raw \"q\"\r\n\r\n").read();
            c.send("GET /d HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + tooLong + "\r\n\r\n").read();
            c.send("GET /e HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + "y".repeat(128) + "\r\n\r\n").read();
            c.send("GET /f HTTP/1.1\r\nHost: x\r\nX-Request-Id: first\r\nX-Request-Id: second\r\n"
                    + "Connection: keep-alive, X-Request-Id\r\n\r\n").read();
        }
        List<String> lines = lines(6);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String line = lines.get(i);
            String id = line.substring(line.indexOf("id=") + 3, line.indexOf(" tls="));
            assertThat(id).as(line).matches(GENERATED);
            ids.add(id);
            assertThat(b.seenHeaders().get(i).getAll("X-Request-Id")).as("the backend got the logged id")
                    .containsExactly(id);
        }
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(lines.get(0)).isEqualTo("GET /a 200 id=" + ids.get(0) + " tls=- sni=- ua=\"-\"");
        assertThat(lines.get(2)).isEqualTo("GET /c 200 id=" + ids.get(2) + " tls=- sni=- ua=\"raw \\\"q\\\"\"");
        assertThat(lines.get(4)).contains("id=" + "y".repeat(128) + " ");
        assertThat(b.seenHeaders().get(4).get("X-Request-Id")).isEqualTo("y".repeat(128));
        assertThat(lines.get(5)).contains("id=first ");
        assertThat(b.seenHeaders().get(5).getAll("X-Request-Id")).as("one copy, although listed in Connection")
                .containsExactly("first");
    }

    @Test
    void theHeaderCanBeRenamedOrTheIdTurnedOff() throws Exception {
        TestBackend b = start(new AccessLogConfig(true, "text", log().toString(), "%{request_id}", null, null), null,
                new RequestIdConfig(true, "X-Trace"));
        try (RawHttp c = new RawHttp(f.address())) {
            c.send("GET / HTTP/1.1\r\nHost: x\r\nX-Trace: t-1\r\nX-Request-Id: other\r\n\r\n").read();
        }
        assertThat(lines(1)).containsExactly("t-1");
        assertThat(b.seenHeaders().get(0).get("X-Trace")).isEqualTo("t-1");
        assertThat(b.seenHeaders().get(0).get("X-Request-Id")).isEqualTo("other");

        ProxyFixture off = new ProxyFixture();
        try (off) {
            TestBackend b2 = off.backend("b2");
            var listener = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                    .routes(List.of(new RouteConfig("all", null, "p", null)))
                    .forwarded(new ForwardedHeadersConfig(null, null, null, new RequestIdConfig(false, null)))
                    .build();
            Path offLog = dir.resolve("off.log");
            off.start(FulcrumConfigBuilder.config().server(server())
                    .accessLog(new AccessLogConfig(true, "text", offLog.toString(), "%{request_id}", null, null))
                    .listener(listener).pool(pool("p", "round-robin", List.of(backend(b2, 1)))).build());
            try (RawHttp c = new RawHttp(off.address())) {
                c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(offLog) && !Files.readAllLines(offLog).isEmpty());
            assertThat(Files.readAllLines(offLog)).containsExactly("-");
            assertThat(b2.seenHeaders().get(0).contains("X-Request-Id")).isFalse();
        }
    }
}
