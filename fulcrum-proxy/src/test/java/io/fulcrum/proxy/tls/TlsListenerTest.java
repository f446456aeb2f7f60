package io.fulcrum.proxy.tls;

import io.fulcrum.proxy.testing.TestConfigs;
import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import io.fulcrum.testsupport.Commands;
import io.fulcrum.core.config.CertificateConfig;
import io.fulcrum.testsupport.TestCertificates;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.TlsConfig;
import io.fulcrum.proxy.ProxyServer;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.proxy.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.pool;
import static io.fulcrum.proxy.testing.TestConfigs.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** TLS termination over real sockets: SNI certificate choice, versions, plain HTTP on a TLS port, curl. */
class TlsListenerTest {

    @TempDir
    static Path dir;
    static TestCertificates.Pair a;
    static TestCertificates.Pair b;
    static SSLContext trustBoth;

    private final ProxyFixture f = new ProxyFixture();
    private final List<HttpClient> clients = new ArrayList<>();

    @BeforeAll
    static void certificates() throws Exception {
        Assumptions.assumeTrue(TestCertificates.opensslAvailable(), "the openssl command is needed to make test certificates");
        // Both also name 127.0.0.1 so that the JDK client's host name check passes when it connects by address.
        a = TestCertificates.selfSigned(dir, "a", "a.test", "DNS:a.test,IP:127.0.0.1");
        b = TestCertificates.selfSigned(dir, "b", "*.b.test", "DNS:*.b.test,IP:127.0.0.1");
        trustBoth = TestCertificates.trusting(a, b);
    }

    @AfterEach
    void stop() {
        clients.forEach(HttpClient::close);
        f.close();
    }

    private TestBackend start(TlsConfig tls) throws IOException {
        TestBackend backend = f.backend("b1");
        PoolConfig p = pool("p", "round-robin", List.of(backend(backend, 1)));
        ListenerConfig l = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                .routes(List.of(new RouteConfig("all", null, "p", null)))
                .tls(tls)
                .build();
        f.start(TestConfigs.single(l, p));
        return backend;
    }

    private static TlsConfig tls(List<String> protocols) {
        return new TlsConfig(List.of(new CertificateConfig(a.certFile(), a.keyFile()), new CertificateConfig(b.certFile(), b.keyFile())), protocols, null);
    }

    /**
     * A client with its own SSL context: the JDK keeps TLS sessions per context and host:port, and
     * when it resumes one it does so under the name of the session, whatever SNI is asked for, so a
     * shared context would hide which certificate the proxy picks for a name.
     */
    private HttpClient client(String sni, String... protocols) throws Exception {
        return client(TestCertificates.trusting(a, b), sni, protocols);
    }

    private HttpClient client(SSLContext sslContext, String sni, String... protocols) {
        SSLParameters params = new SSLParameters();
        if (sni != null) {
            params.setServerNames(List.of(new SNIHostName(sni)));
        }
        if (protocols.length > 0) {
            params.setProtocols(protocols);
        }
        HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(sslContext)
                .sslParameters(params).connectTimeout(Duration.ofSeconds(5)).build();
        clients.add(c);
        return c;
    }

    private HttpResponse<String> get(HttpClient c, String path) throws Exception {
        URI uri = URI.create("https://127.0.0.1:" + f.address().getPort() + path);
        return c.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String subject(HttpResponse<?> r) throws Exception {
        SSLSession s = r.sslSession().orElseThrow();
        return ((X509Certificate) s.getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }

    @Test
    void eachNameGetsItsOwnCertificate() throws Exception {
        start(tls(null));
        HttpResponse<String> ra = get(client("a.test"), "/");
        assertThat(ra.statusCode()).isEqualTo(200);
        assertThat(ra.body()).isEqualTo("b1");
        assertThat(subject(ra)).isEqualTo("CN=a.test");

        HttpResponse<String> rb = get(client(TestCertificates.trusting(a, b), "shop.b.test"), "/");
        assertThat(rb.statusCode()).isEqualTo(200);
        assertThat(subject(rb)).isEqualTo("CN=*.b.test");

        // A name no certificate serves (and a wildcard does not cover its own base name) gets the first one.
        assertThat(subject(get(client("b.test"), "/"))).isEqualTo("CN=a.test");
        assertThat(subject(get(client("other.test"), "/"))).isEqualTo("CN=a.test");
    }

    @Test
    void tls12AndTls13BothWork() throws Exception {
        start(tls(null));
        HttpResponse<String> r12 = get(client("a.test", "TLSv1.2"), "/");
        assertThat(r12.statusCode()).isEqualTo(200);
        assertThat(r12.sslSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.2");
        HttpResponse<String> r13 = get(client("x.b.test", "TLSv1.3"), "/");
        assertThat(r13.statusCode()).isEqualTo(200);
        assertThat(r13.sslSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.3");
        assertThat(subject(r13)).isEqualTo("CN=*.b.test");
    }

    @Test
    void aVersionNotConfiguredIsRefused() throws Exception {
        start(tls(List.of("TLSv1.3")));
        assertThatThrownBy(() -> get(client("a.test", "TLSv1.2"), "/")).isInstanceOf(IOException.class);
        assertThat(get(client("a.test", "TLSv1.3"), "/").statusCode()).isEqualTo(200);
        await().atMost(5, TimeUnit.SECONDS).until(() -> f.proxy().clientConnections() <= 1);
    }

    @Test
    void backendSeesHttpsAsTheForwardedScheme() throws Exception {
        TestBackend backend = start(tls(null));
        HttpResponse<String> r = get(client("a.test"), "/x");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(backend.seenHeaders().getFirst().get("X-Forwarded-Proto")).isEqualTo("https");
        assertThat(f.proxy().runtime().listeners().get("web").scheme()).isEqualTo("https");
    }

    @Test
    void keepAliveCarriesSeveralRequestsOverOneConnection() throws Exception {
        start(tls(null));
        HttpClient c = client("a.test");
        for (int i = 0; i < 5; i++) {
            assertThat(get(c, "/" + i).statusCode()).isEqualTo(200);
        }
        assertThat(f.proxy().clientConnections()).isEqualTo(1);
    }

    @Test
    void plainHttpOnTheTlsPortIsClosedWithoutAnHttpAnswer() throws Exception {
        TestBackend backend = start(tls(null));
        InetSocketAddress addr = f.address();
        try (Socket s = new Socket(addr.getAddress(), addr.getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String got = readUntilClosed(s.getInputStream());
            assertThat(got).doesNotStartWith("HTTP/");
        }
        assertThat(backend.requests()).isZero();
        await().atMost(5, TimeUnit.SECONDS).until(() -> f.proxy().clientConnections() == 0);
        // The listener keeps serving TLS clients.
        assertThat(get(client("a.test"), "/").statusCode()).isEqualTo(200);
    }

    @Test
    void aClientThatClosesMidHandshakeLeavesNothingBehind() throws Exception {
        start(tls(null));
        InetSocketAddress addr = f.address();
        try (Socket s = new Socket(addr.getAddress(), addr.getPort())) {
            // The first bytes of a TLS handshake record, then nothing.
            s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> f.proxy().clientConnections() == 0);
    }

    @Test
    void curlVerifiesTheCertificateForItsName() throws Exception {
        Assumptions.assumeTrue(Commands.works("curl", "--version"), "curl is not installed: skipping the curl check");
        TestBackend backend = start(tls(null));
        int port = f.address().getPort();
        for (String[] c : new String[][] {{"a.test", a.cert().toString()}, {"www.b.test", b.cert().toString()}}) {
            Process p = new ProcessBuilder("curl", "-sS", "--max-time", "10", "--cacert", c[1],
                    "--resolve", c[0] + ":" + port + ":127.0.0.1", "https://" + c[0] + ":" + port + "/curl")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("curl for %s: %s", c[0], out).isZero();
            assertThat(out).isEqualTo("b1");
        }
        assertThat(backend.seenHeaders()).allSatisfy(h -> assertThat(h.get("X-Forwarded-Proto")).isEqualTo("https"));
    }

    @Test
    void aReloadChangesCertificatesForNewConnections() throws Exception {
        TestBackend backend = start(tls(null));
        HttpClient before = client(null);
        assertThat(subject(get(before, "/"))).isEqualTo("CN=a.test");
        FulcrumConfig old = f.proxy().runtime().config();
        ListenerConfig l = old.listeners().getFirst();
        ListenerConfig swapped = ListenerConfigBuilder.listener(l.name(), l.bind())
                .routes(l.routes())
                .tls(new TlsConfig(List.of(new CertificateConfig(b.certFile(), b.keyFile()), new CertificateConfig(a.certFile(), a.keyFile())), null, null))
                .build();
        f.proxy().apply(FulcrumConfigBuilder.config()
                .server(old.server())
                .accessLog(old.accessLog())
                .listeners(List.of(swapped))
                .pools(old.pools())
                .build());
        assertThat(subject(get(client(null), "/"))).isEqualTo("CN=*.b.test");
        assertThat(subject(get(client("a.test"), "/"))).isEqualTo("CN=a.test");
        // The connection opened before the reload carries on with the certificate it negotiated.
        assertThat(subject(get(before, "/"))).isEqualTo("CN=a.test");
        assertThat(backend.requests()).isEqualTo(4);
    }

    @Test
    void aReloadWithAnUnusableCertificateIsRefusedAndTheOldOnesKeepServing() throws Exception {
        start(tls(null));
        FulcrumConfig old = f.proxy().runtime().config();
        ListenerConfig l = old.listeners().getFirst();
        ListenerConfig broken = ListenerConfigBuilder.listener(l.name(), l.bind())
                .routes(l.routes())
                .tls(new TlsConfig(List.of(new io.fulcrum.core.config.CertificateConfig(a.cert().toString(),
                        b.key().toString())), null, null))
                .build();
        assertThatThrownBy(() -> f.proxy().apply(FulcrumConfigBuilder.config()
                .server(old.server())
                .accessLog(old.accessLog())
                .listeners(List.of(broken))
                .pools(old.pools())
                .build())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not belong to the certificate");
        assertThat(subject(get(client("x.b.test"), "/"))).isEqualTo("CN=*.b.test");
    }

    @Test
    void anUnreadableCertificateFailsAtCompileTime() throws Exception {
        TlsConfig broken = new TlsConfig(List.of(new io.fulcrum.core.config.CertificateConfig(
                a.key().toString(), a.key().toString())), null, null);
        ListenerConfig l = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                .routes(List.of())
                .tls(broken)
                .build();
        FulcrumConfig c = FulcrumConfigBuilder.config().server(server()).noAccessLog().listener(l).build();
        assertThatThrownBy(() -> new ProxyServer(c).close()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(a.key().toString());
    }

    private static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1024];
        try {
            int n;
            while ((n = in.read(buf)) != -1) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the proxy did not close the connection; got " + out.size() + " bytes", e);
        } catch (IOException reset) {
            // A reset is a clean refusal too.
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
