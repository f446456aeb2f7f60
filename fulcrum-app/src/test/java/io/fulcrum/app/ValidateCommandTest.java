package io.fulcrum.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fulcrum validate} in a real child process: its output and exit codes. */
class ValidateCommandTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void goodFileIsOkWithSummary() throws Exception {
        Path file = TestConfigs.write(dir, "good.yaml", TestConfigs.good(8080));
        try (FulcrumProcess p = FulcrumProcess.start(dir, "validate", "-c", file.toString())) {
            assertThat(p.waitFor(LIMIT)).as(p.stderr()).isEqualTo(0);
            assertThat(p.stdout()).isEqualTo(file + ": OK\n1 listener, 1 route, 1 pool, 2 backends\n");
        }
    }

    @Test
    void unknownFieldIsRefusedNamingFieldPathAndLine() throws Exception {
        String yaml = TestConfigs.unknownField(8080);
        Path file = TestConfigs.write(dir, "typo.yaml", yaml);
        try (FulcrumProcess p = FulcrumProcess.start(dir, "validate", "-c", file.toString())) {
            assertThat(p.waitFor(LIMIT)).isEqualTo(2);
            assertThat(p.stdout()).doesNotContain("OK");
            assertThat(p.stderr())
                    .contains("typo.yaml:" + TestConfigs.lineOf(yaml, "wieght") + ":")
                    .contains("pools[0].backends[1].wieght");
        }
    }

    @Test
    void aWrongSettingUnderAnAlgorithmIsRefusedNamingItsNestedPathAndLine() throws Exception {
        String yaml = TestConfigs.good(8080).replace("  - name: app\n", """
                  - name: app
                    algorithm:
                      maglev:
                        tableSize: 65536
                        hashKey: {source: header}
                """);
        Path file = TestConfigs.write(dir, "maglev.yaml", yaml);
        try (FulcrumProcess p = FulcrumProcess.start(dir, "validate", "-c", file.toString())) {
            assertThat(p.waitFor(LIMIT)).isEqualTo(2);
            assertThat(p.stderr())
                    .contains("maglev.yaml:" + TestConfigs.lineOf(yaml, "tableSize: 65536") + ":")
                    .contains("pools[0].algorithm.maglev.tableSize: must be a prime number (got 65536")
                    .contains("maglev.yaml:" + TestConfigs.lineOf(yaml, "hashKey: {source: header}") + ":")
                    .contains("pools[0].algorithm.maglev.hashKey.name: required when source is header");
        }
        String misspelt = yaml.replace("tableSize: 65536", "tableSiz: 65537");
        Path typo = TestConfigs.write(dir, "maglev-typo.yaml", misspelt);
        try (FulcrumProcess p = FulcrumProcess.start(dir, "validate", "-c", typo.toString())) {
            assertThat(p.waitFor(LIMIT)).isEqualTo(2);
            assertThat(p.stderr())
                    .contains("maglev-typo.yaml:" + TestConfigs.lineOf(misspelt, "tableSiz: 65537") + ":")
                    .contains("pools[0].algorithm.maglev.tableSiz: unknown field \"tableSiz\" (did you mean \"tableSize\"?)");
        }
    }

    @Test
    void negativeWeightIsRefusedNamingFieldPathAndLine() throws Exception {
        String yaml = TestConfigs.badWeight(8080);
        Path file = TestConfigs.write(dir, "weight.yaml", yaml);
        try (FulcrumProcess p = FulcrumProcess.start(dir, "validate", "-c", file.toString())) {
            assertThat(p.waitFor(LIMIT)).isEqualTo(2);
            assertThat(p.stderr())
                    .contains("weight.yaml:" + TestConfigs.lineOf(yaml, "weight: -3") + ":")
                    .contains("pools[0].backends[1].weight");
        }
    }

    @Test
    void aBackendWrittenAsAUrlIsToldToWriteHostColonPort() throws Exception {
        String yaml = TestConfigs.good(8080).replace("address: 127.0.0.1:9", "address: http://10.0.0.2:8080");
        Path file = TestConfigs.write(dir, "url.yaml", yaml);
        try (FulcrumProcess p = FulcrumProcess.start(dir, "validate", "-c", file.toString())) {
            assertThat(p.waitFor(LIMIT)).isEqualTo(2);
            assertThat(p.stderr().strip()).isEqualTo(file + ":" + TestConfigs.lineOf(yaml, "http://") + ":18: pools[0].backends[0].address: write host:port, "
                    + "not a URL: 10.0.0.2:8080 (got \"http://10.0.0.2:8080\")");
        }
    }

    @Test
    void aMissingErrorPageIsRefusedNamingItsFieldAndLine() throws Exception {
        Path page = dir.resolve("pages").resolve("502.html");
        String yaml = TestConfigs.good(8080).replace("    routes:\n", """
                    errorPages:
                      - status: 502
                        file: %s
                    routes:
                """.formatted(page));
        Path file = TestConfigs.write(dir, "pages.yaml", yaml);
        try (FulcrumProcess p = FulcrumProcess.start(dir, "validate", "-c", file.toString())) {
            assertThat(p.waitFor(LIMIT)).isEqualTo(2);
            assertThat(p.stderr().strip()).startsWith(file + ":" + TestConfigs.lineOf(yaml, "file: ") + ":")
                    .endsWith(": listeners[0].errorPages[0].file: no such file: " + page);
        }
        java.nio.file.Files.createDirectories(page.getParent());
        java.nio.file.Files.writeString(page, "<p>sorry</p>");
        try (FulcrumProcess p = FulcrumProcess.start(dir, "validate", "-c", file.toString())) {
            assertThat(p.waitFor(LIMIT)).as(p.stderr()).isEqualTo(0);
        }
    }

    @Test
    void missingFileIsRefused() throws Exception {
        try (FulcrumProcess p = FulcrumProcess.start(dir, "validate", "-c", dir.resolve("absent.yaml").toString())) {
            assertThat(p.waitFor(LIMIT)).isEqualTo(2);
            assertThat(p.stderr()).contains("absent.yaml");
        }
    }
}
