package io.fulcrum.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.NamedBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The process log as JSON by a setting (issue 23): {@code fulcrum run --log-format json} and
 * {@code FULCRUM_LOG_FORMAT=json}, without a log directory, in a real child process.
 */
class ProcessLogFormatTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** Every stderr line as a JSON object; fails on a line that is not one. */
    private static List<JsonNode> jsonLines(String stderr) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            if (!line.isBlank()) {
                assertThat(line).as("a process-log line").startsWith("{");
                out.add(new ObjectMapper().readTree(line));
            }
        }
        return out;
    }

    private void runsWithJsonDiagnostics(Map<String, String> environment, String... extra) throws Exception {
        int port = FreePorts.tcp();
        try (NamedBackend one = NamedBackend.start("one")) {
            Path file = Files.writeString(dir.resolve("fulcrum.yaml"), ReloadTestConfigs.routingTo(port, one));
            List<String> args = new ArrayList<>(List.of("run", "-c", file.toString(), "--no-watch"));
            args.addAll(List.of(extra));
            try (FulcrumProcess p = FulcrumProcess.startWithEnvironment(dir, environment, args.toArray(String[]::new))) {
                await().atMost(LIMIT).until(() -> p.stderr().contains("running") || !p.isAlive());
                assertThat(p.isAlive()).as(p.stderr()).isTrue();
                p.terminate();
                assertThat(p.waitFor(LIMIT)).as(p.stderr()).isZero();
                List<JsonNode> lines = jsonLines(p.stderr());
                JsonNode running = lines.stream()
                        .filter(l -> l.path("formattedMessage").asText().startsWith("fulcrum ")
                                && l.path("formattedMessage").asText().contains(" running "))
                        .findFirst().orElseThrow(() -> new AssertionError(p.stderr()));
                assertThat(running.get("level").asText()).isEqualTo("INFO");
                assertThat(running.get("loggerName").asText()).isEqualTo("fulcrum");
                assertThat(running.get("timestamp").isNumber()).isTrue();
                assertThat(running.get("threadName").asText()).isNotEmpty();
            }
        }
    }

    @Test
    void theRunOptionMakesTheProcessLogJson() throws Exception {
        runsWithJsonDiagnostics(Map.of(), "--log-format", "json");
    }

    @Test
    void theEnvironmentVariableMakesItJsonFromTheFirstLine() throws Exception {
        runsWithJsonDiagnostics(Map.of("FULCRUM_LOG_FORMAT", "json"));
    }

    @Test
    void anUnknownFormatIsRefused() throws Exception {
        try (FulcrumProcess p = FulcrumProcess.start(dir, "run", "-c", dir.resolve("none.yaml").toString(),
                "--log-format", "yaml")) {
            assertThat(p.waitFor(LIMIT)).isEqualTo(ExitCodes.INVALID);
            assertThat(p.stderr()).contains("--log-format must be text or json (got \"yaml\")");
        }
    }
}
