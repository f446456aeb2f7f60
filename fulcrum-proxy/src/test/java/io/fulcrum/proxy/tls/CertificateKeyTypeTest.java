package io.fulcrum.proxy.tls;

import io.fulcrum.core.config.CertificateConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.TlsConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.proxy.testing.TestBackend;
import io.fulcrum.proxy.testing.TestConfigs;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.TestCertificates;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.pool;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A name served by an ECDSA and an RSA certificate: {@code openssl s_client} limited by
 * {@code -sigalgs} to ECDSA, or to RSA-PSS / RSA PKCS#1, gets the certificate it can verify,
 * before and after a reload, and the request goes through.
 */
class CertificateKeyTypeTest {

    @TempDir
    static Path dir;
    static TestCertificates.Pair ec;
    static TestCertificates.Pair rsa;
    static TestCertificates.Pair ec2;

    private final ProxyFixture f = new ProxyFixture();
    private TestBackend backend;
    private int port;

    @BeforeAll
    static void certificates() throws Exception {
        Assumptions.assumeTrue(TestCertificates.opensslAvailable(), "the openssl command is needed for this test");
        ec = TestCertificates.ecSelfSigned(dir, "ec", "dual-ec", "DNS:dual.test");
        rsa = TestCertificates.selfSigned(dir, "rsa", "dual-rsa", "DNS:dual.test");
        ec2 = TestCertificates.ecSelfSigned(dir, "ec2", "dual-ec-renewed", "DNS:dual.test");
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void eachClientGetsTheCertificateItsSignatureAlgorithmsAccept() throws Exception {
        start(List.of(ec, rsa));
        assertThat(subject("dual.test", "-tls1_3", "-sigalgs", "ECDSA+SHA256")).isEqualTo("CN = dual-ec");
        assertThat(subject("dual.test", "-tls1_3", "-sigalgs", "RSA-PSS+SHA256")).isEqualTo("CN = dual-rsa");
        assertThat(subject("dual.test", "-tls1_2", "-sigalgs", "RSA+SHA256")).isEqualTo("CN = dual-rsa");
        assertThat(subject("dual.test", "-tls1_2", "-sigalgs", "ECDSA+SHA256:RSA+SHA256")).isEqualTo("CN = dual-ec");
        // TLS 1.2 with only RSA key-exchange suites: an ECDSA certificate cannot serve them.
        assertThat(subject("dual.test", "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256")).isEqualTo("CN = dual-rsa");
        // Without SNI the first certificate's name answers, with both key types too.
        assertThat(subject(null, "-tls1_3", "-sigalgs", "RSA-PSS+SHA256")).isEqualTo("CN = dual-rsa");
        assertThat(subject(null, "-tls1_3")).isEqualTo("CN = dual-ec");
        assertThat(backend.requests()).isEqualTo(7);
    }

    @Test
    void theChoiceFollowsAReloadThatReordersAndRenewsTheCertificates() throws Exception {
        start(List.of(ec, rsa));
        assertThat(subject("dual.test", "-tls1_3")).isEqualTo("CN = dual-ec");
        f.proxy().apply(config(List.of(rsa, ec2)));
        assertThat(subject("dual.test", "-tls1_3")).as("an ECDSA client still gets ECDSA, the renewed one")
                .isEqualTo("CN = dual-ec-renewed");
        assertThat(subject("dual.test", "-tls1_3", "-sigalgs", "RSA-PSS+SHA256")).isEqualTo("CN = dual-rsa");
        f.proxy().apply(config(List.of(rsa)));
        assertThat(subject("dual.test", "-tls1_3", "-sigalgs", "RSA-PSS+SHA256:ECDSA+SHA256")).isEqualTo("CN = dual-rsa");
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void twoCertificatesOfOneKeyTypeLeaveTheNameToTheEarlier(SslProvider provider) {
        Assumptions.assumeTrue(provider == SslProvider.JDK || OpenSsl.isAvailable(), "OpenSSL does not load here");
        TlsRuntime t = TlsRuntime.compile(new TlsConfig(List.of(cert(ec), cert(ec2), cert(rsa)), null, null), provider);
        assertThat(t.select("dual.test", true)).isSameAs(t.names().get("dual.test")).isSameAs(t.select(null, true));
        assertThat(t.select("dual.test", false)).isNotSameAs(t.select("dual.test", true));
        TlsRuntime ecOnly = TlsRuntime.compile(new TlsConfig(List.of(cert(ec)), null, null), provider);
        assertThat(ecOnly.select("dual.test", false)).as("no RSA certificate: the only one answers")
                .isSameAs(ecOnly.select("dual.test", true));
    }

    private static CertificateConfig cert(TestCertificates.Pair p) {
        return new CertificateConfig(p.certFile(), p.keyFile());
    }

    private void start(List<TestCertificates.Pair> certs) throws Exception {
        backend = f.backend("b1");
        port = FreePorts.tcp("127.0.0.1");
        f.start(config(certs));
    }

    private FulcrumConfig config(List<TestCertificates.Pair> certs) {
        PoolConfig p = pool("p", "round-robin", List.of(backend(backend, 1)));
        TlsConfig tls = new TlsConfig(certs.stream().map(CertificateKeyTypeTest::cert).toList(), null, null);
        ListenerConfig l = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", port))
                .routes(List.of(new RouteConfig("all", null, "p", null)))
                .tls(tls)
                .build();
        return TestConfigs.single(l, p);
    }

    /** One HTTPS request through s_client; the subject of the certificate the server presented. */
    private String subject(String serverName, String... options) throws Exception {
        Path request = dir.resolve("request.txt");
        Files.writeString(request, "GET / HTTP/1.1\r\nHost: dual.test\r\nConnection: close\r\n\r\n");
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-ign_eof"));
        if (serverName != null) {
            cmd.addAll(List.of("-servername", serverName));
        } else {
            cmd.add("-noservername");
        }
        cmd.addAll(List.of(options));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(request.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("s_client ended").isTrue();
        assertThat(out).as("the response through the proxy").contains("HTTP/1.1 200");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^subject=(.*)$").matcher(out);
        assertThat(m.find()).as("the server certificate in:\n%s", out).isTrue();
        return m.group(1).strip();
    }
}
