package io.fulcrum.admin;

import io.fulcrum.admin.testing.AdminFixture;
import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.admin.testing.TestNode;
import io.fulcrum.testsupport.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The admin server over TLS, checked with curl against the certificate it serves. */
class AdminTlsTest {

    @TempDir
    Path dir;

    @Test
    void theApiAnswersOverTls() throws Exception {
        assumeThat(TestCertificates.opensslAvailable() && run(dir, "curl", "--version") == 0)
                .as("openssl and curl are needed (.ci/run installs them)").isTrue();
        TestCertificates.Pair pair = TestCertificates.selfSigned(dir, "admin", "localhost", "DNS:localhost,IP:127.0.0.1");
        Path cert = pair.cert();
        Path key = pair.key();
        List<NamedBackend> backends = List.of(NamedBackend.start("one"));
        Path file = AdminFixture.write(dir, backends,
                "  tls:\n    certificates:\n      - certFile: " + cert + "\n        keyFile: " + key + "\n");
        try (TestNode node = TestNode.start(file)) {
            assertThat(node.admin().url()).startsWith("https://");
            Path body = dir.resolve("body");
            int rc = run(dir, "curl", "-sS", "--fail", "--cacert", cert.toString(), "-o", body.toString(),
                    "-H", "Authorization: Bearer " + AdminFixture.READ_TOKEN, node.admin().url() + "api/v1/whoami");
            assertThat(rc).isZero();
            assertThat(Files.readString(body, StandardCharsets.UTF_8)).contains("\"name\":\"viewer\"");
            // Plain HTTP to the TLS port gets no answer.
            assertThat(run(dir, "curl", "-sS", "--fail", "--max-time", "5",
                    node.admin().url().replace("https://", "http://") + "api/openapi.yaml")).isNotZero();
        } finally {
            backends.forEach(NamedBackend::close);
        }
    }

    private static int run(Path dir, String... cmd) throws Exception {
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("out.txt").toFile()).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
