package io.fulcrum.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bad setting of a real provisioner ({@code process}, {@code exec}) in a file is refused by
 * {@code fulcrum validate} (a child process) with the file, line and column of the mistake.
 */
class ProvisionerSettingsInFileTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void anUnknownPlaceholderOfTheProcessProvisionerIsShownWhereItIsWritten() throws Exception {
        String yaml = autoscaled("""
                        process:
                          command: [python3, -m, http.server, "{prot}"]
                """);
        Path file = TestConfigs.write(dir, "process.yaml", yaml);
        try (FulcrumProcess p = FulcrumProcess.start(dir, "validate", "-c", file.toString())) {
            assertThat(p.waitFor(LIMIT)).isEqualTo(2);
            assertThat(p.stdout()).doesNotContain("OK");
            assertThat(p.stderr().strip()).isEqualTo(file + ":" + TestConfigs.lineOf(yaml, "{prot}") + ":"
                    + columnOf(yaml, "\"{prot}\"") + ": pools[0].autoscale.provisioner.process.command[3]: unknown "
                    + "placeholder {prot}; known: {port}, {name}, {address}, {pool}, {generation}");
        }
    }

    @Test
    void anExecProvisionerWithoutACommandIsRefusedAtItsSection() throws Exception {
        String yaml = autoscaled("""
                        exec:
                          workingDirectory: /no/such/directory
                """);
        Path file = TestConfigs.write(dir, "exec.yaml", yaml);
        try (FulcrumProcess p = FulcrumProcess.start(dir, "validate", "-c", file.toString())) {
            assertThat(p.waitFor(LIMIT)).isEqualTo(2);
            assertThat(p.stderr())
                    .contains(file + ":" + TestConfigs.lineOf(yaml, "/no/such/directory") + ":"
                            + columnOf(yaml, "/no/such/directory") + ": pools[0].autoscale.provisioner.exec."
                            + "workingDirectory: no such directory: /no/such/directory")
                    .contains("pools[0].autoscale.provisioner.exec.command: a command is required");
        }
    }

    /** A node whose one pool is autoscaled by {@code provisioner} (indented under it). */
    private static String autoscaled(String provisioner) {
        return """
                listeners:
                  - name: web
                    bind: 127.0.0.1:18080
                    routes:
                      - name: all
                        pool: web
                pools:
                  - name: web
                    autoscale:
                      provisioner:
                """ + provisioner + """
                      target: 100
                      max: 3
                    backends: []
                """;
    }

    /** The 1-based column where {@code text} starts on its line. */
    private static int columnOf(String yaml, String text) {
        for (String line : yaml.split("\n", -1)) {
            int at = line.indexOf(text);
            if (at >= 0) {
                return at + 1;
            }
        }
        throw new AssertionError(text + " not in the file");
    }
}
