package io.fulcrum.app;

import io.fulcrum.testsupport.ConfigYaml;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.NamedBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code fulcrum run --state-dir DIR}: the operator's changes go to DIR, not beside the
 * configuration file (which a package keeps read-only under {@code /etc}).
 */
class StateDirTest {

    private static final String TOKEN = "state-dir-test-token-0123456789";

    @TempDir
    Path dir;

    @Test
    void aChangeThroughTheApiIsKeptInTheStateDirectoryNotBesideTheFile() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path state = Files.createDirectories(dir.resolve("state"));
        try (NamedBackend a = NamedBackend.start("a");
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            int adminPort = FreePorts.tcp();
            Path file = Files.writeString(etc.resolve("fulcrum.yaml"), ConfigYaml.quietNode()
                    + ConfigYaml.webListener(FreePorts.tcp(), "app") + """
                    pools:
                      - name: app
                        backends:
                          - name: a
                            address: %s
                    admin:
                      bind: 127.0.0.1:%d
                      tokens:
                        - {name: ops, role: admin, token: %s}
                    """.formatted(a.address(), adminPort, TOKEN));
            try (FulcrumProcess run = FulcrumProcess.start(dir, "run", "-c", file.toString(), "--state-dir", state.toString())) {
                HttpRequest drain = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/api/v1/pools/app/backends/a/drain"))
                        .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build();
                AtomicReference<HttpResponse<String>> answer = new AtomicReference<>();
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                    assertThat(run.isAlive()).as(run.stderr()).isTrue();
                    answer.set(http.send(drain, HttpResponse.BodyHandlers.ofString()));
                });
                assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(200);
            }
        }
        assertThat(state.resolve("fulcrum-state.json")).exists().content().contains("draining");
        assertThat(etc.resolve("fulcrum-state.json")).doesNotExist();
    }

    @Test
    void aStateDirectoryThatDoesNotExistIsRefusedAtStart() throws Exception {
        Path file = Files.writeString(dir.resolve("fulcrum.yaml"), ConfigYaml.quietNode()
                + ConfigYaml.webListener(FreePorts.tcp(), "app") + """
                pools:
                  - name: app
                    backends:
                      - address: 127.0.0.1:9
                """);
        Path missing = dir.resolve("no-such-dir");
        try (FulcrumProcess run = FulcrumProcess.start(dir, "run", "-c", file.toString(), "--state-dir", missing.toString())) {
            assertThat(run.waitFor(Duration.ofSeconds(30))).isEqualTo(ExitCodes.FAILURE);
            assertThat(run.stderr()).contains("--state-dir " + missing + ": not a directory");
        }
    }
}
