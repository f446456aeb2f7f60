package io.fulcrum.control.config;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.PoolConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.fulcrum.control.config.ConfigTestSupport.lineOf;
import static io.fulcrum.control.config.ConfigTestSupport.onlyError;
import static io.fulcrum.control.config.ConfigTestSupport.warningsOf;
import static org.assertj.core.api.Assertions.assertThat;

/** Binding and validation of {@code listeners[].http2}, {@code pools[].protocol} and {@code pools[].tls}. */
class Http2ConfigValidationTest {

    @TempDir
    Path dir;
    private Path ca;

    @BeforeEach
    void files() throws Exception {
        ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    }

    private static String yaml(String listenerExtra, String poolExtra) {
        return """
                listeners:
                  - name: web
                    bind: 127.0.0.1:8080
                %s
                    routes:
                      - name: all
                        pool: web
                pools:
                  - name: web
                %s
                    backends:
                      - address: 10.0.0.1:443
                """.formatted(listenerExtra.stripTrailing(), poolExtra.stripTrailing());
    }

    @Test
    void defaultsAreHttp11BackendsAndNoH2c() throws Exception {
        FulcrumConfig c = ConfigLoader.parse(yaml("", ""), "test.yaml");
        var h = c.listeners().getFirst().http2();
        assertThat(h.cleartext()).isFalse();
        assertThat(h.maxConcurrentStreams()).isEqualTo(100);
        assertThat(h.maxHeaderListBytes()).isEqualTo(16384);
        assertThat(h.initialWindowBytes()).isEqualTo(65535);
        PoolConfig p = c.pools().getFirst();
        assertThat(p.protocol()).isEqualTo("http/1.1");
        assertThat(p.tls()).isNull();
    }

    @Test
    void bindsEveryField() throws Exception {
        String text = yaml("""
                    http2:
                      cleartext: true
                      maxConcurrentStreams: 250
                      maxHeaderListBytes: 32768
                      initialWindowBytes: 1048576
                """, """
                    protocol: h2
                    tls:
                      caFile: %s
                      serverName: api.internal
                      protocols: [TLSv1.3]
                """.formatted(ca));
        assertThat(warningsOf(text)).isEmpty();
        FulcrumConfig c = ConfigLoader.parse(text, "test.yaml");
        var h = c.listeners().getFirst().http2();
        assertThat(h.cleartext()).isTrue();
        assertThat(h.maxConcurrentStreams()).isEqualTo(250);
        assertThat(h.initialWindowBytes()).isEqualTo(1048576);
        var t = c.pools().getFirst().tls();
        assertThat(t.caFile()).isEqualTo(ca.toString());
        assertThat(t.verify()).isTrue();
        assertThat(t.serverName()).isEqualTo("api.internal");
        assertThat(t.protocols()).containsExactly("TLSv1.3");
    }

    @Test
    void anUnknownBackendProtocolNamesTheFieldAndLine() {
        String text = yaml("", "    protocol: http/3\n");
        ConfigError e = onlyError(text);
        assertThat(e.path()).isEqualTo("pools[0].protocol");
        assertThat(e.line()).isEqualTo(lineOf(text, "protocol: http/3"));
        assertThat(e.message()).isEqualTo("must be one of h2, h2c, http/1.1 (got \"http/3\")");
    }

    @Test
    void h2NeedsTlsAndH2cRefusesIt() {
        assertThat(onlyError(yaml("", "    protocol: h2\n")).message()).contains("needs tls");
        ConfigError e = onlyError(yaml("", """
                    protocol: h2c
                    tls:
                      caFile: %s
                """.formatted(ca)));
        assertThat(e.path()).isEqualTo("pools[0].protocol");
        assertThat(e.message()).contains("use h2 for HTTP/2 over TLS");
    }

    @Test
    void limitsOutOfRange() {
        ConfigError e = onlyError(yaml("""
                    http2:
                      maxConcurrentStreams: 0
                """, ""));
        assertThat(e.path()).isEqualTo("listeners[0].http2.maxConcurrentStreams");
        assertThat(e.message()).isEqualTo("must be between 1 and 100000 (got 0)");
    }

    @Test
    void aMissingCaFileAndAHalfClientCertificateAreErrors() {
        ConfigError e = onlyError(yaml("", """
                    tls:
                      caFile: /nonexistent/ca.pem
                """));
        assertThat(e.path()).isEqualTo("pools[0].tls.caFile");
        assertThat(e.message()).isEqualTo("no such file: /nonexistent/ca.pem");
        ConfigError half = onlyError(yaml("", """
                    tls:
                      certFile: %s
                """.formatted(ca)));
        assertThat(half.path()).isEqualTo("pools[0].tls.keyFile");
    }

    @Test
    void turningVerificationOffIsLoudlyWarned() {
        var w = warningsOf(yaml("", """
                    tls:
                      verify: false
                """));
        assertThat(w).hasSize(1);
        assertThat(w.getFirst().path()).isEqualTo("pools[0].tls.verify");
        assertThat(w.getFirst().message()).contains("NOT verified");
    }

    @Test
    void anUnknownKeyUnderHttp2IsRefused() {
        ConfigError e = onlyError(yaml("""
                    http2:
                      maxStreams: 10
                """, ""));
        assertThat(e.path()).isEqualTo("listeners[0].http2.maxStreams");
    }
}
