package io.fulcrum.control.config;

import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import io.fulcrum.core.config.CertificateConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.TlsConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.fulcrum.control.config.ConfigTestSupport.errorsOf;
import static io.fulcrum.control.config.ConfigTestSupport.lineOf;
import static io.fulcrum.control.config.ConfigTestSupport.onlyError;
import static io.fulcrum.control.config.ConfigTestSupport.warningsOf;
import static org.assertj.core.api.Assertions.assertThat;

/** Binding and validation of {@code listeners[].tls}. */
class TlsConfigValidationTest {

    @TempDir
    Path dir;
    private Path cert;
    private Path key;

    @BeforeEach
    void files() throws Exception {
        // Validation checks that the files exist and are readable; it does not parse them.
        cert = Files.writeString(dir.resolve("a.crt"), "-----BEGIN CERTIFICATE-----\n");
        key = Files.writeString(dir.resolve("a.key"), "-----BEGIN PRIVATE KEY-----\n");
    }

    private String yaml(String tls) {
        return """
                listeners:
                  - name: web
                    bind: 127.0.0.1:8443
                %s
                    routes:
                      - name: all
                        pool: web
                pools:
                  - name: web
                    backends:
                      - address: 10.0.0.1:80
                """.formatted(tls.stripTrailing());
    }

    private String tls(String certFile, String keyFile, String extra) {
        return """
                    tls:
                      certificates:
                        - certFile: %s
                          keyFile: %s
                %s""".formatted(certFile, keyFile, extra);
    }

    @Test
    void aListenerWithoutTlsIsPlainHttp() throws Exception {
        FulcrumConfig c = ConfigLoader.parse(yaml(""), "test.yaml");
        assertThat(c.listeners().getFirst().tls()).isNull();
    }

    @Test
    void bindsCertificatesAndDefaults() throws Exception {
        String text = yaml(tls(cert.toString(), key.toString(), ""));
        assertThat(warningsOf(text)).isEmpty();
        TlsConfig t = ConfigLoader.parse(text, "test.yaml").listeners().getFirst().tls();
        assertThat(t.certificates()).containsExactly(new CertificateConfig(cert.toString(), key.toString()));
        assertThat(t.protocols()).containsExactly("TLSv1.2", "TLSv1.3");
        assertThat(t.alpn()).containsExactly("http/1.1");
    }

    @Test
    void bindsProtocolsAndAlpn() throws Exception {
        String text = yaml(tls(cert.toString(), key.toString(), """
                      protocols: [TLSv1.3]
                      alpn: [http/1.1]
                """));
        TlsConfig t = ConfigLoader.parse(text, "test.yaml").listeners().getFirst().tls();
        assertThat(t.protocols()).containsExactly("TLSv1.3");
    }

    @Test
    void missingCertificateFileIsAnErrorAtItsPath() {
        String missing = dir.resolve("nope.crt").toString();
        String text = yaml(tls(missing, key.toString(), ""));
        ConfigError e = onlyError(text);
        assertThat(e.path()).isEqualTo("listeners[0].tls.certificates[0].certFile");
        assertThat(e.line()).isEqualTo(lineOf(text, "certFile"));
        assertThat(e.message()).isEqualTo("no such file: " + missing);
    }

    @Test
    void missingKeyFileAndDirectoryAreErrors() {
        String text = yaml(tls(dir.toString(), dir.resolve("nope.key").toString(), ""));
        List<ConfigError> errors = errorsOf(text);
        assertThat(errors).extracting(ConfigError::path).containsExactly(
                "listeners[0].tls.certificates[0].certFile", "listeners[0].tls.certificates[0].keyFile");
        assertThat(errors.get(0).message()).startsWith("not a regular file: ");
        assertThat(errors.get(1).message()).startsWith("no such file: ");
    }

    @Test
    void unreadableKeyFileIsAnError() throws Exception {
        Path locked = Files.writeString(dir.resolve("locked.key"), "x");
        assertThat(locked.toFile().setReadable(false, false)).isTrue();
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(locked),
                "running as a user who can read any file (root): readability cannot be tested");
        ConfigError e = onlyError(yaml(tls(cert.toString(), locked.toString(), "")));
        assertThat(e.path()).isEqualTo("listeners[0].tls.certificates[0].keyFile");
        assertThat(e.message()).isEqualTo("file is not readable: " + locked);
    }

    @Test
    void aCertificateNeedsBothFiles() {
        String text = yaml("""
                    tls:
                      certificates:
                        - certFile: %s
                """.formatted(cert));
        ConfigError e = onlyError(text);
        assertThat(e.path()).isEqualTo("listeners[0].tls.certificates[0].keyFile");
        assertThat(e.message()).isEqualTo("required: the path of the PEM private key");
    }

    @Test
    void atLeastOneCertificate() {
        String text = yaml("""
                    tls:
                      certificates: []
                """);
        ConfigError e = onlyError(text);
        assertThat(e.path()).isEqualTo("listeners[0].tls.certificates");
        assertThat(e.line()).isEqualTo(lineOf(text, "certificates"));
        assertThat(e.message()).isEqualTo("at least one certificate is required (the first one is the default)");

        assertThat(onlyError(yaml("""
                    tls:
                      protocols: [TLSv1.3]
                """)).path()).isEqualTo("listeners[0].tls.certificates");
    }

    @Test
    void unknownProtocolIsAnErrorWithASuggestion() {
        String text = yaml(tls(cert.toString(), key.toString(), """
                      protocols: [TLSv1.2, TLSv1.1]
                """));
        ConfigError e = onlyError(text);
        assertThat(e.path()).isEqualTo("listeners[0].tls.protocols[1]");
        assertThat(e.message()).startsWith("must be one of TLSv1.2, TLSv1.3 (got \"TLSv1.1\")");
    }

    @Test
    void emptyProtocolsIsAnError() {
        ConfigError e = onlyError(yaml(tls(cert.toString(), key.toString(), """
                      protocols: []
                """)));
        assertThat(e.path()).isEqualTo("listeners[0].tls.protocols");
        assertThat(e.message()).isEqualTo("at least one TLS version is required; supported: TLSv1.2, TLSv1.3");
    }

    @Test
    void sessionResumptionBindsWithDefaultsAndRefusesAnEmptyCacheOrAnOverlongLifetime() {
        String text = yaml(tls(cert.toString(), key.toString(), """
                      sessions:
                        cacheSize: 0
                        timeout: 8d
                """));
        List<ConfigError> errors = errorsOf(text);
        assertThat(errors).extracting(ConfigError::path)
                .containsExactly("listeners[0].tls.sessions.cacheSize", "listeners[0].tls.sessions.timeout");
        assertThat(errors.get(0).line()).isEqualTo(lineOf(text, "cacheSize"));
        assertThat(errors.get(0).message()).startsWith("must be at least 1 (was 0)");
        assertThat(errors.get(1).line()).isEqualTo(lineOf(text, "timeout"));
        assertThat(errors.get(1).message()).startsWith("must be between 1s and 7d");
        assertThat(warningsOf(yaml(tls(cert.toString(), key.toString(), """
                      sessions: {cache: false, timeout: 1h}
                """)))).isEmpty();
    }

    @Test
    void onlyHttp11AndH2AreOfferedThroughAlpn() {
        ConfigError e = onlyError(yaml(tls(cert.toString(), key.toString(), """
                      alpn: [spdy/3]
                """)));
        assertThat(e.path()).isEqualTo("listeners[0].tls.alpn[0]");
        assertThat(e.message()).startsWith("must be one of h2, http/1.1 (got \"spdy/3\")");
    }

    @Test
    void unknownTlsFieldIsReported() {
        ConfigError e = onlyError(yaml(tls(cert.toString(), key.toString(), """
                      ciphers: [x]
                """)));
        assertThat(e.path()).isEqualTo("listeners[0].tls.ciphers");
    }

    @Test
    void validatesConfigurationsBuiltInCode() throws Exception {
        FulcrumConfig base = ConfigLoader.parse(yaml(""), "test.yaml");
        ListenerConfig l = base.listeners().getFirst();
        ListenerConfig withTls = ListenerConfigBuilder.listener(l.name(), l.bind())
                .protocol(l.protocol())
                .timeouts(l.timeouts())
                .limits(l.limits())
                .forwarded(l.forwarded())
                .routes(l.routes())
                .tls(new TlsConfig(List.of(), List.of("SSLv3"), null))
                .build();
        FulcrumConfig c = FulcrumConfigBuilder.config()
                .server(base.server())
                .accessLog(base.accessLog())
                .listeners(List.of(withTls))
                .pools(base.pools())
                .build();
        assertThat(ConfigValidator.validate(c).errors()).extracting(ConfigError::path)
                .containsExactly("listeners[0].tls.certificates", "listeners[0].tls.protocols[0]");
    }
}
