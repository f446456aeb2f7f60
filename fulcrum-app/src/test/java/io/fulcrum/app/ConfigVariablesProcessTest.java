package io.fulcrum.app;

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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code ${NAME}} in a configuration file, through real {@code fulcrum validate} and
 * {@code fulcrum run} child processes whose environment sets the variables: the listener's
 * port and the backend's address reach the running node (checked with HTTP requests), a
 * SIGHUP reload reads the file's variables again, and an unset variable is refused by
 * {@code validate}, {@code run} and the reload alike, named at its line and column.
 */
class ConfigVariablesProcessTest {

    private static final Duration LIMIT = Duration.ofSeconds(90); // generous: a loaded machine starts JVMs slowly

    @TempDir
    Path dir;

    private static String config(String backendReference) {
        return """
                listeners:
                  - name: web
                    bind: 127.0.0.1:${WEB_PORT}
                    routes:
                      - name: all
                        pool: app
                pools:
                  - name: app
                    backends:
                      - name: only
                        address: %s
                """.formatted(backendReference);
    }

    private static String get(HttpClient http, int port) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    @Test
    void variablesFromTheEnvironmentReachTheRunningNodeAndItsReloads() throws Exception {
        int port = FreePorts.tcp();
        Path pidFile = dir.resolve("fulcrum.pid");
        try (NamedBackend one = NamedBackend.start("one");
             NamedBackend two = NamedBackend.start("two");
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            Path file = Files.writeString(dir.resolve("fulcrum.yaml"), config("${BACKEND_ONE}"));
            Map<String, String> env = Map.of("WEB_PORT", Integer.toString(port),
                    "BACKEND_ONE", one.address(), "BACKEND_TWO", two.address());
            try (FulcrumProcess p = FulcrumProcess.startWithEnvironment(dir, env, "run", "-c", file.toString(),
                    "--no-watch", "--pid-file", pidFile.toString())) {
                await().atMost(LIMIT).until(() -> Files.exists(pidFile) || !p.isAlive());
                assertThat(p.isAlive()).as(p.stderr()).isTrue();
                await().atMost(LIMIT).until(() -> get(http, port).equals("200 one"));

                // The reload reads the file again, with the variables the node was started with.
                Files.writeString(file, config("${BACKEND_TWO}"));
                new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor();
                await().atMost(LIMIT).until(() -> get(http, port).equals("200 two"));

                // A variable the node does not have: the reload is refused, the node keeps serving.
                Files.writeString(file, config("${BACKEND_THREE}"));
                new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor();
                await().atMost(LIMIT).until(() -> p.stderr().contains("reload refused:"));
                assertThat(p.stderr()).contains("fulcrum.yaml:11:18: pools[0].backends[0].address: environment"
                        + " variable BACKEND_THREE is not set");
                assertThat(get(http, port)).isEqualTo("200 two");
            }
        }
    }

    @Test
    void validateAndRunRefuseAnUnsetVariableAlike() throws Exception {
        Path file = Files.writeString(dir.resolve("fulcrum.yaml"), config("${BACKEND_ADDRESS}"));
        String expected = file + ":11:18: pools[0].backends[0].address: environment variable BACKEND_ADDRESS is"
                + " not set (set it, or give a default: ${BACKEND_ADDRESS:-default})";
        Map<String, String> portOnly = Map.of("WEB_PORT", Integer.toString(FreePorts.tcp()));

        try (FulcrumProcess validate = FulcrumProcess.startWithEnvironment(dir, portOnly, "validate", "-c",
                file.toString())) {
            assertThat(validate.waitFor(LIMIT)).as(validate.stderr()).isEqualTo(ExitCodes.INVALID);
            assertThat(validate.stdout() + validate.stderr()).contains(expected);
        }
        try (FulcrumProcess run = FulcrumProcess.startWithEnvironment(dir, portOnly, "run", "-c", file.toString(),
                "--no-watch")) {
            assertThat(run.waitFor(LIMIT)).as(run.stderr()).isEqualTo(ExitCodes.INVALID);
            assertThat(run.stdout() + run.stderr()).contains(expected);
        }
        // With the variable set, validate accepts the same file.
        try (FulcrumProcess validate = FulcrumProcess.startWithEnvironment(dir,
                Map.of("WEB_PORT", "8080", "BACKEND_ADDRESS", "127.0.0.1:9"), "validate", "-c", file.toString())) {
            assertThat(validate.waitFor(LIMIT)).as(validate.stderr()).isZero();
        }
    }
}
