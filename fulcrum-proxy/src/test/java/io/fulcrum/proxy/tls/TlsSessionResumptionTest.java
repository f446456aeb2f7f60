package io.fulcrum.proxy.tls;

import io.fulcrum.core.config.CertificateConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.TlsConfig;
import io.fulcrum.core.config.TlsSessionConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.proxy.testing.TestBackend;
import io.fulcrum.proxy.testing.TestConfigs;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.testsupport.TestCertificates;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.pool;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session resumption on a TLS listener, with {@code openssl s_client} as the client: it saves
 * the session it got (a TLS 1.3 ticket, a TLS 1.2 ticket or session id) and offers it on the
 * next connection, and says whether the server took it ({@code Reused}) or made a full
 * handshake ({@code New}).
 */
class TlsSessionResumptionTest {

    private static final Pattern SESSION = Pattern.compile("^(New|Reused), (TLSv1\\.[23])", Pattern.MULTILINE);

    @TempDir
    static Path dir;
    static TestCertificates.Pair cert;
    static TestCertificates.Pair other;

    private final ProxyFixture f = new ProxyFixture();
    private TestBackend backend;
    private int port;
    private TlsSessionConfig resumption;
    /** The certificate the listener presents. */
    private TestCertificates.Pair certificate;
    /** Connections made by s_client, each carrying one request. */
    private int sessions;

    @BeforeAll
    static void certificates() throws Exception {
        Assumptions.assumeTrue(TestCertificates.opensslAvailable(), "the openssl command is needed for this test");
        Assumptions.assumeTrue(SslContexts.provider() == io.netty.handler.ssl.SslProvider.OPENSSL,
                "session resumption is set on OpenSSL contexts; netty-tcnative does not load here");
        cert = TestCertificates.selfSigned(dir, "r", "r.test", "DNS:r.test,IP:127.0.0.1");
        other = TestCertificates.selfSigned(dir, "other", "other.test", "DNS:r.test,IP:127.0.0.1");
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void aTls13ClientResumesWithItsTicketAcrossAReloadAndAKeyRotation() throws Exception {
        TestBackend backend = start(null);
        Path session = dir.resolve("t13.pem");
        assertThat(connect("-tls1_3", "-sess_out", session.toString())).isEqualTo("New, TLSv1.3");
        assertThat(connect("-tls1_3", "-sess_in", session.toString())).isEqualTo("Reused, TLSv1.3");

        // A reload that compiles the listener anew (new contexts, empty caches) keeps the keys.
        f.proxy().apply(config("all-after-reload"));
        assertThat(connect("-tls1_3", "-sess_in", session.toString())).isEqualTo("Reused, TLSv1.3");

        // The keys before the newest still open tickets; a ticket sealed KEPT + 1 rotations ago does not.
        SessionTicketKeys.rotateAll();
        assertThat(connect("-tls1_3", "-sess_in", session.toString())).isEqualTo("Reused, TLSv1.3");
        for (int i = 0; i < SessionTicketKeys.KEPT; i++) {
            SessionTicketKeys.rotateAll();
        }
        assertThat(connect("-tls1_3", "-sess_in", session.toString())).isEqualTo("New, TLSv1.3");
        assertThat(backend.requests()).isEqualTo(sessions);
    }

    @Test
    void aTicketDoesNotResumeOnceTheListenerPresentsAnotherCertificate() throws Exception {
        start(null);
        Path session = dir.resolve("replaced.pem");
        assertThat(connect("-tls1_3", "-sess_out", session.toString())).isEqualTo("New, TLSv1.3");
        // The reload replaces the certificate: the client must see the new one, not resume with the old.
        certificate = other;
        f.proxy().apply(config("all"));
        String out = run("-tls1_3", "-sess_in", session.toString());
        assertThat(out).contains("New, TLSv1.3").contains("CN = other.test");
    }

    @Test
    void aTls12ClientResumesWithATicketOrFromTheCacheByItsSessionId() throws Exception {
        start(null);
        Path ticket = dir.resolve("t12.pem");
        assertThat(connect("-tls1_2", "-sess_out", ticket.toString())).isEqualTo("New, TLSv1.2");
        assertThat(connect("-tls1_2", "-sess_in", ticket.toString())).isEqualTo("Reused, TLSv1.2");

        Path id = dir.resolve("id12.pem");
        assertThat(connect("-tls1_2", "-no_ticket", "-sess_out", id.toString())).isEqualTo("New, TLSv1.2");
        assertThat(connect("-tls1_2", "-no_ticket", "-sess_in", id.toString())).isEqualTo("Reused, TLSv1.2");
    }

    @Test
    void withoutTheCacheATls12ClientThatTakesNoTicketsGetsAFullHandshake() throws Exception {
        start(new TlsSessionConfig(false, null, null));
        Path id = dir.resolve("nocache12.pem");
        String first = run("-tls1_2", "-no_ticket", "-sess_out", id.toString());
        assertThat(first).contains("New, TLSv1.2").containsPattern("Session-ID: *\\R");
        assertThat(id).as("no session id, so nothing for the client to keep").doesNotExist();
        // Tickets still resume.
        Path ticket = dir.resolve("nocache-ticket12.pem");
        assertThat(connect("-tls1_2", "-sess_out", ticket.toString())).isEqualTo("New, TLSv1.2");
        assertThat(connect("-tls1_2", "-sess_in", ticket.toString())).isEqualTo("Reused, TLSv1.2");
    }

    @Test
    void aTicketCarriesTheConfiguredLifetime() throws Exception {
        start(new TlsSessionConfig(null, null, java.time.Duration.ofSeconds(90)));
        assertThat(run("-tls1_2", "-sess_out", dir.resolve("life.pem").toString()))
                .contains("TLS session ticket lifetime hint: 90 (seconds)");
    }

    private TestBackend start(TlsSessionConfig sessions) throws IOException {
        backend = f.backend("b1");
        port = FreePorts.tcp("127.0.0.1");
        resumption = sessions;
        certificate = cert;
        f.start(config("all"));
        return backend;
    }

    /** The listener on {@link #port} with the test's resumption settings, its one route named {@code route}. */
    private FulcrumConfig config(String route) {
        PoolConfig p = pool("p", "round-robin", List.of(backend(backend, 1)));
        TlsConfig tls = new TlsConfig(List.of(new CertificateConfig(certificate.certFile(), certificate.keyFile())), null, null, resumption);
        ListenerConfig l = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", port))
                .routes(List.of(new RouteConfig(route, null, "p", null)))
                .tls(tls)
                .build();
        return TestConfigs.single(l, p);
    }

    /** One HTTPS request through s_client; its "New, TLSv1.x" or "Reused, TLSv1.x" line. */
    private String connect(String... options) throws Exception {
        String out = run(options);
        assertThat(out).as("the response through the proxy").contains("HTTP/1.1 200");
        Matcher m = SESSION.matcher(out);
        assertThat(m.find()).as("s_client's session line in:\n%s", out).isTrue();
        return m.group(1) + ", " + m.group(2);
    }

    private String run(String... options) throws Exception {
        Path request = dir.resolve("request.txt");
        Files.writeString(request, "GET /r HTTP/1.1\r\nHost: r.test\r\nConnection: close\r\n\r\n");
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "r.test", "-ign_eof"));
        cmd.addAll(List.of(options));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(request.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("s_client ended").isTrue();
        sessions++;
        return out;
    }
}
