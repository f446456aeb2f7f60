package io.fulcrum.app.imports;

import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.testsupport.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS frontends: HAProxy's {@code bind ... ssl crt FILE} (one PEM holding the chain and the key,
 * found under {@code crt-base}) and NGINX's {@code listen ... ssl} with {@code ssl_certificate} and
 * {@code ssl_certificate_key} become listener certificates that {@code fulcrum validate} compiles, and
 * Fulcrum serves HTTPS with them to curl.
 */
class ImportTlsTest {

    @TempDir
    Path dir;

    /** curl over HTTPS, trusting {@code ca}, to 127.0.0.1 under the certificate's name. */
    private static String curl(Path ca, int port, String http2) throws Exception {
        Process p = new ProcessBuilder(List.of("curl", "-sS", "--max-time", "10", "--cacert", ca.toString(), http2,
                "--resolve", "site.test:" + port + ":127.0.0.1", "-w", " %{http_version}",
                "https://site.test:" + port + "/")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private void serve(String format, String source, Path ca, int port, String expectedVersion) throws Exception {
        Path in = Files.writeString(dir.resolve("source-" + format), source);
        Path out = dir.resolve(format + ".yaml");
        Cli imported = Cli.run("import", format, in.toString(), "-o", out.toString());
        assertThat(imported.exit()).as(imported.err()).isZero();
        Cli validated = Cli.run("validate", "-c", out.toString());
        assertThat(validated.exit()).as("%s%n%s", Files.readString(out), validated.err()).isZero();
        try (FulcrumNode node = FulcrumNode.create(ConfigLoader.load(out), null)) {
            node.start();
            assertThat(curl(ca, port, expectedVersion.equals("2") ? "--http2" : "--http1.1"))
                    .isEqualTo("tls-app " + expectedVersion);
        }
    }

    @Test
    void anHaproxyCrtPemAndAnNginxCertificatePairServeHttps() throws Exception {
        TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "site", "site.test", "DNS:site.test");
        Path certs = Files.createDirectories(dir.resolve("certs"));
        // HAProxy's crt: the certificate and its key in one file.
        Files.writeString(certs.resolve("site.pem"), Files.readString(pair.cert()) + Files.readString(pair.key()));
        try (NamedBackend app = NamedBackend.start("tls-app")) {
            int port = FreePorts.tcp();
            serve("haproxy", """
                    global
                        crt-base %s
                    frontend tls
                        bind 127.0.0.1:%d ssl crt site.pem alpn h2,http/1.1
                        default_backend app
                    backend app
                        server a %s
                    """.formatted(certs, port, app.address()), pair.cert(), port, "2");
            int nginxPort = FreePorts.tcp();
            serve("nginx", """
                    server {
                        listen 127.0.0.1:%d ssl;
                        server_name site.test;
                        ssl_certificate %s;
                        ssl_certificate_key %s;
                        location / { proxy_pass http://%s; }
                    }
                    """.formatted(nginxPort, pair.certFile(), pair.keyFile(), app.address()), pair.cert(), nginxPort, "1.1");
        }
    }
}
