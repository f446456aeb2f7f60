package io.fulcrum.proxy.tls;

import io.fulcrum.testsupport.config.PoolConfigBuilder;
import io.fulcrum.testsupport.TestCertificates;
import io.fulcrum.core.config.BackendTlsConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.proxy.testing.TestBackend;
import io.fulcrum.proxy.testing.TestConfigs;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static org.assertj.core.api.Assertions.assertThat;

/** TLS from the proxy to backends: verification against a CA file or the system store, names, client certificates, reload. */
class BackendTlsTest {

    @TempDir
    static Path dir;
    static TestCertificates.Pair backendCert;
    static TestCertificates.Pair strangerCert;
    static TestCertificates.Pair clientCert;

    private final ProxyFixture f = new ProxyFixture();

    @BeforeAll
    static void certificates() throws Exception {
        Assumptions.assumeTrue(TestCertificates.opensslAvailable(), "openssl is needed to make test certificates");
        backendCert = TestCertificates.selfSigned(dir, "backend", "backend.test", "DNS:backend.test,IP:127.0.0.1");
        strangerCert = TestCertificates.selfSigned(dir, "stranger", "stranger.test", "DNS:stranger.test");
        clientCert = TestCertificates.selfSigned(dir, "client", "fulcrum.test", "DNS:fulcrum.test");
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static SslContext serverContext(boolean requireClientCert) throws Exception {
        SslContextBuilder b = SslContextBuilder.forServer(backendCert.cert().toFile(), backendCert.key().toFile());
        if (requireClientCert) {
            b.clientAuth(ClientAuth.REQUIRE).trustManager(clientCert.cert().toFile());
        }
        return b.build();
    }

    private static FulcrumConfig config(TestBackend b, BackendTlsConfig tls) {
        PoolConfig p = TestConfigs.pool("p", "round-robin", List.of(backend(b, 1)));
        return TestConfigs.single(PoolConfigBuilder.from(p)
                .tls(tls)
                .build());
    }

    private static BackendTlsConfig verifyWith(Path ca, String serverName) {
        return new BackendTlsConfig(ca == null ? null : ca.toString(), true, serverName, null, null, null, null);
    }

    @Test
    void aBackendWithACertificateFromTheConfiguredCaIsReachedOverTls() throws Exception {
        TestBackend b = f.tlsBackend("b1", serverContext(false));
        f.start(config(b, verifyWith(backendCert.cert(), null)));
        HttpResponse<String> r = f.get("/x");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("b1");
        assertThat(b.requests()).isEqualTo(1);
        f.get("/y");
        assertThat(b.accepts()).as("the TLS connection is kept alive and reused").isEqualTo(1);
    }

    @Test
    void anUnknownCaIsRefusedWhenVerifying() throws Exception {
        TestBackend b = f.tlsBackend("b1", serverContext(false));
        f.start(config(b, verifyWith(strangerCert.cert(), null)));
        assertThat(f.get("/x").statusCode()).isEqualTo(502);
        assertThat(b.requests()).isZero();
    }

    @Test
    void theSystemTrustStoreDoesNotKnowASelfSignedBackend() throws Exception {
        TestBackend b = f.tlsBackend("b1", serverContext(false));
        f.start(config(b, verifyWith(null, null)));
        assertThat(f.get("/x").statusCode()).isEqualTo(502);
        assertThat(b.requests()).isZero();
    }

    @Test
    void theServerNameIsVerified() throws Exception {
        TestBackend b = f.tlsBackend("b1", serverContext(false));
        f.start(config(b, verifyWith(backendCert.cert(), "backend.test")));
        assertThat(f.get("/x").statusCode()).isEqualTo(200);
        f.proxy().apply(config(b, verifyWith(backendCert.cert(), "other.test")));
        f.client().close(); // a fresh client connection; backend connections are per request choice anyway
        assertThat(new ProxyClient(f).get("/y")).isEqualTo(502);
    }

    @Test
    void verificationOffAcceptsAnyCertificate() throws Exception {
        TestBackend b = f.tlsBackend("b1", serverContext(false));
        f.start(config(b, new BackendTlsConfig(strangerCert.cert().toString(), false, null, null, null, null, null)));
        assertThat(f.get("/x").statusCode()).isEqualTo(200);
    }

    @Test
    void aClientCertificateIsPresentedWhenConfigured() throws Exception {
        TestBackend b = f.tlsBackend("b1", serverContext(true));
        f.start(config(b, verifyWith(backendCert.cert(), null)));
        assertThat(f.get("/x").statusCode()).as("without a client certificate").isEqualTo(502);
        f.proxy().apply(config(b, new BackendTlsConfig(backendCert.cert().toString(), true, null,
                clientCert.cert().toString(), clientCert.key().toString(), null, null)));
        assertThat(new ProxyClient(f).get("/y")).isEqualTo(200);
    }

    @Test
    void aReloadReadsTheCaFileAgain() throws Exception {
        TestBackend b = f.tlsBackend("b1", serverContext(false));
        Path ca = dir.resolve("ca.pem");
        java.nio.file.Files.copy(strangerCert.cert(), ca, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        f.start(config(b, verifyWith(ca, null)));
        assertThat(f.get("/x").statusCode()).isEqualTo(502);
        java.nio.file.Files.copy(backendCert.cert(), ca, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        f.proxy().apply(config(b, verifyWith(ca, null)));
        assertThat(new ProxyClient(f).get("/y")).isEqualTo(200);
    }

    /** A fresh JDK client per check. */
    private record ProxyClient(ProxyFixture f) {
        int get(String path) throws Exception {
            try (var c = java.net.http.HttpClient.newHttpClient()) {
                return c.send(java.net.http.HttpRequest.newBuilder(f.uri(path)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode();
            }
        }
    }
}
