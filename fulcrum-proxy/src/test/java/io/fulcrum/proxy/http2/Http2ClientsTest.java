package io.fulcrum.proxy.http2;

import io.fulcrum.proxy.testing.TestConfigs;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import io.fulcrum.testsupport.Commands;
import io.fulcrum.core.config.CertificateConfig;
import io.fulcrum.core.config.ForwardedHeadersConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.Http2Config;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.TlsConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.proxy.testing.TestBackend;
import io.fulcrum.testsupport.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.pool;
import static io.fulcrum.proxy.testing.TestConfigs.server;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/2 from real clients through the proxy to HTTP/1.1 backends: h2 over TLS chosen by
 * ALPN, h2c by prior knowledge and by Upgrade, with curl, nghttp, h2load and the JDK client.
 */
class Http2ClientsTest {

    @TempDir
    static Path dir;
    static TestCertificates.Pair cert;
    static SSLContext trust;

    private final ProxyFixture f = new ProxyFixture();
    private final List<HttpClient> clients = new ArrayList<>();

    @BeforeAll
    static void certificates() throws Exception {
        Assumptions.assumeTrue(TestCertificates.opensslAvailable(), "openssl is needed to make test certificates");
        cert = TestCertificates.selfSigned(dir, "h2", "h2.test", "DNS:h2.test,IP:127.0.0.1");
        trust = TestCertificates.trusting(cert);
    }

    @AfterEach
    void stop() {
        clients.forEach(HttpClient::close);
        f.close();
    }

    /** Two backends behind round robin, one listener (TLS offering h2, or plain with h2c on). */
    private void start(boolean tls) throws Exception {
        start(tls, null);
    }

    private void start(boolean tls, Integer maxStreams) throws Exception {
        TestBackend b1 = f.backend("b1");
        TestBackend b2 = f.backend("b2");
        PoolConfig p = pool("p", "round-robin", List.of(backend(b1, 1), backend(b2, 1)));
        TlsConfig t = tls ? new TlsConfig(List.of(new CertificateConfig(cert.certFile(), cert.keyFile())), null, List.of("h2", "http/1.1")) : null;
        ListenerConfig l = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                .forwarded(new ForwardedHeadersConfig(true, false, true))
                .routes(List.of(new RouteConfig("all", null, "p", null)))
                .tls(t)
                .http2(new Http2Config(!tls, maxStreams, null, null))
                .build();
        f.start(TestConfigs.single(l, p));
    }

    private String https(String path) {
        return "https://127.0.0.1:" + f.address().getPort() + path;
    }

    private String http(String path) {
        return "http://127.0.0.1:" + f.address().getPort() + path;
    }

    private static void assumeCommand(String... cmd) {
        Assumptions.assumeTrue(Commands.works(cmd), cmd[0] + " is not installed");
    }

    private HttpClient jdkClient(boolean tls) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5));
        if (tls) {
            b.sslContext(trust);
        }
        HttpClient c = b.build();
        clients.add(c);
        return c;
    }

    @Test
    void curlNegotiatesH2ThroughAlpnAndTheBackendGetsHttp11WithForwardedHeaders() throws Exception {
        assumeCommand("curl", "--version");
        start(true);
        String out = Commands.run("curl", "-sS", "--http2", "--cacert", cert.cert().toString(),
                "-w", "\n%{http_version}", https("/a"));
        assertThat(out).isIn("b1\n2", "b2\n2");
        TestBackend seen = f.backendNamed(out.startsWith("b1") ? "b1" : "b2");
        assertThat(seen.seenRequestLines()).containsExactly("GET /a HTTP/1.1");
        var h = seen.seenHeaders().getFirst();
        assertThat(h.get("X-Forwarded-Proto")).isEqualTo("https");
        assertThat(h.get("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(h.get("Via")).isEqualTo("2.0 fulcrum");
        assertThat(h.get("Host")).isEqualTo("127.0.0.1:" + f.address().getPort());
        assertThat(h.names()).noneMatch(n -> n.toLowerCase().startsWith("x-http2"));
    }

    @Test
    void curlWithHttp11OnAnH2ListenerStillGetsHttp11() throws Exception {
        assumeCommand("curl", "--version");
        start(true);
        String out = Commands.run("curl", "-sS", "--http1.1", "--cacert", cert.cert().toString(),
                "-w", "\n%{http_version}", https("/"));
        assertThat(out).endsWith("\n1.1");
    }

    @Test
    void curlH2cWithPriorKnowledge() throws Exception {
        assumeCommand("curl", "--version");
        start(false);
        String out = Commands.run("curl", "-sS", "--http2-prior-knowledge", "-w", "\n%{http_version}", http("/pk"));
        assertThat(out).isIn("b1\n2", "b2\n2");
    }

    @Test
    void curlH2cThroughTheHttp11Upgrade() throws Exception {
        assumeCommand("curl", "--version");
        start(false);
        // The upgrade request is itself answered over HTTP/2 (stream 1); a POST with a body too.
        String out = Commands.run("curl", "-sS", "--http2", "-w", "\n%{http_version}", http("/up"));
        assertThat(out).isIn("b1\n2", "b2\n2");
        String plain = Commands.run("curl", "-sS", "--http1.1", "-w", "\n%{http_version}", http("/plain"));
        assertThat(plain).endsWith("\n1.1");
    }

    @Test
    void nghttpOverTlsAndCleartext() throws Exception {
        assumeCommand("nghttp", "--version");
        start(true);
        String out = Commands.run("nghttp", "-v", "-n", https("/ng"));
        assertThat(out).contains(":status: 200").contains("x-backend");
    }

    @Test
    void nghttpH2cPriorKnowledgeAndUpgrade() throws Exception {
        assumeCommand("nghttp", "--version");
        start(false);
        assertThat(Commands.run("nghttp", "-v", "-n", http("/ng"))).contains(":status: 200");
        assertThat(Commands.run("nghttp", "-v", "-n", "-u", http("/ng-upgrade")))
                .contains("HTTP Upgrade response").contains(":status: 200");
    }

    @Test
    void jdkClientOverH2AndH2c() throws Exception {
        start(true);
        HttpResponse<String> r = jdkClient(true).send(HttpRequest.newBuilder(URI.create(https("/jdk")))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isIn("b1", "b2");
    }

    @Test
    void jdkClientH2cUpgradeWithAPostBody() throws Exception {
        start(false);
        HttpClient c = jdkClient(false);
        HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(http("/upload")))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(1000)))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("1000");
        HttpResponse<String> second = c.send(HttpRequest.newBuilder(URI.create(http("/again")))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(second.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }

    @Test
    void manyConcurrentStreamsOnOneConnectionAreBalanced() throws Exception {
        start(true, 256); // the JDK client fails requests beyond the server's stream limit rather than queueing
        HttpClient c = jdkClient(true);
        // One request first, so the client has its HTTP/2 connection before the burst.
        c.send(HttpRequest.newBuilder(URI.create(https("/warm"))).build(), HttpResponse.BodyHandlers.ofString());
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(c.sendAsync(HttpRequest.newBuilder(URI.create(https("/r" + i))).timeout(Duration.ofSeconds(20))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        Map<String, Integer> byBackend = new HashMap<>();
        for (var fut : all) {
            HttpResponse<String> r = fut.join();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            byBackend.merge(r.body(), 1, Integer::sum);
        }
        assertThat(f.proxy().clientConnections()).isEqualTo(1);
        assertThat(byBackend.keySet()).containsExactlyInAnyOrder("b1", "b2");
        assertThat(byBackend.get("b1") + byBackend.get("b2")).isEqualTo(200);
        assertThat(Math.abs(byBackend.get("b1") - byBackend.get("b2"))).isLessThanOrEqualTo(2);
    }

    @Test
    void aReloadTurnsH2cOnForNewConnections() throws Exception {
        assumeCommand("curl", "--version");
        TestBackend b1 = f.backend("b1");
        PoolConfig p = pool("p", "round-robin", List.of(backend(b1, 1)));
        ListenerConfig off = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                .routes(List.of(new RouteConfig("all", null, "p", null)))
                .build();
        f.start(TestConfigs.single(off, p));
        Process refused = new ProcessBuilder("curl", "-sS", "--http2-prior-knowledge", "--max-time", "10",
                http("/before")).redirectErrorStream(true).start();
        refused.getInputStream().readAllBytes();
        assertThat(refused.waitFor()).as("prior knowledge on a listener without h2c").isNotZero();
        ListenerConfig on = ListenerConfigBuilder.listener("web", off.bind())
                .routes(off.routes())
                .http2(new Http2Config(true, null, null, null))
                .build();
        f.proxy().apply(TestConfigs.single(on, p));
        assertThat(Commands.run("curl", "-sS", "--http2-prior-knowledge", "-w", "\n%{http_version}", http("/after")))
                .isEqualTo("b1\n2");
    }

    @Test
    void h2loadRunsManyStreamsOnOneConnection() throws Exception {
        assumeCommand("h2load", "--version");
        start(false);
        String out = Commands.run("h2load", "-n", "400", "-c", "1", "-m", "50", http("/load"));
        assertThat(out).contains("400 succeeded");
        assertThat(f.backendNamed("b1").requests()).isEqualTo(200);
        assertThat(f.backendNamed("b2").requests()).isEqualTo(200);
    }
}
