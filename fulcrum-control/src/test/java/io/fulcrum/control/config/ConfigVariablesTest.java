package io.fulcrum.control.config;

import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.fulcrum.control.config.ConfigTestSupport.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code ${NAME}} and {@code ${NAME:-default}} in a configuration file's values. */
class ConfigVariablesTest {

    /** A small configuration whose listener port, backend address, weight and labels come from variables. */
    private static final String YAML = """
            listeners:
              - name: web
                bind: "127.0.0.1:${PORT}"
                timeouts:
                  request: ${REQUEST_TIMEOUT:-30s}
                routes: [{name: all, pool: app}]
            pools:
              - name: app
                backends:
                  - name: a
                    address: ${BACKEND}
                    weight: ${WEIGHT:-7}
                    labels: {token: "${TOKEN}", note: "cost $$5, literal $${NOT_A_VAR}"}
            """;

    private static FulcrumConfig parse(String yaml, Map<String, String> env) throws ConfigException {
        return ConfigLoader.parseWithWarnings(yaml, SOURCE, ConfigVariables.of(env)).config();
    }

    private static List<ConfigError> errors(String yaml, Map<String, String> env) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml, env));
        assertThat(e).as("expected a refusal").isNotNull();
        return e.errors();
    }

    @Test
    void variablesFillValuesAndPlainValuesAreTypedAsYamlTypesThem() throws Exception {
        FulcrumConfig c = parse(YAML, Map.of("PORT", "18080", "BACKEND", "127.0.0.1:9001", "WEIGHT", "3",
                "TOKEN", "s3cr#t: x"));

        assertThat(c.listeners().getFirst().bind()).isEqualTo(HostPort.parse("127.0.0.1:18080", HostPort.Use.LISTEN));
        assertThat(c.listeners().getFirst().timeouts().request()).isEqualTo(Duration.ofSeconds(30));
        BackendConfig b = c.pools().getFirst().backends().getFirst();
        assertThat(b.address()).isEqualTo(HostPort.parse("127.0.0.1:9001", HostPort.Use.CONNECT));
        assertThat(b.weight()).isEqualTo(3); // a plain ${WEIGHT} reads as the number it holds
        // A value is never YAML: "s3cr#t: x" stays one string; $$ alone is kept, $${ is a literal ${.
        assertThat(b.labels()).containsEntry("token", "s3cr#t: x")
                .containsEntry("note", "cost $$5, literal ${NOT_A_VAR}");
    }

    @Test
    void aDefaultIsUsedWhenTheVariableIsUnsetOrEmpty() throws Exception {
        Map<String, String> env = Map.of("PORT", "1", "BACKEND", "127.0.0.1:2", "TOKEN", "t", "WEIGHT", "");

        assertThat(parse(YAML, env).pools().getFirst().backends().getFirst().weight()).isEqualTo(7);
    }

    @Test
    void aQuotedReferenceStaysAString() {
        String yaml = YAML.replace("weight: ${WEIGHT:-7}", "weight: \"${WEIGHT:-7}\"");

        List<ConfigError> errors = errors(yaml, Map.of("PORT", "1", "BACKEND", "127.0.0.1:2", "TOKEN", "t"));

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("pools[0].backends[0].weight");
            assertThat(e.message()).startsWith("expected a whole number");
        });
    }

    @Test
    void anUnsetVariableIsNamedAtItsLineAndColumnOnce() {
        List<ConfigError> errors = errors(YAML, Map.of("PORT", "1", "TOKEN", "t"));

        // "        address: ${BACKEND}" is line 11; the reference starts at column 18.
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.format(SOURCE)).isEqualTo("test.yaml:11:18: pools[0].backends[0].address: environment"
                    + " variable BACKEND is not set (set it, or give a default: ${BACKEND:-default})");
        });
    }

    @Test
    void everyUnsetVariableIsReportedTogetherWithTheOtherErrors() {
        String yaml = YAML.replace("weight: ${WEIGHT:-7}", "weight: -1");

        List<ConfigError> errors = errors(yaml, Map.of());

        assertThat(errors).extracting(ConfigError::path).containsExactly("listeners[0].bind",
                "pools[0].backends[0].address", "pools[0].backends[0].weight", "pools[0].backends[0].labels.token");
        assertThat(errors.get(0).message()).contains("PORT");
        assertThat(errors.get(0).column()).isEqualTo(11); // in a quoted value: the value's start
        assertThat(errors.get(2).message()).contains(">= 0");
    }

    @Test
    void aMalformedReferenceIsAnErrorThatShowsTheEscape() {
        String yaml = YAML.replace("${REQUEST_TIMEOUT:-30s}", "${REQUEST-TIMEOUT}");

        List<ConfigError> errors = errors(yaml, Map.of("PORT", "1", "BACKEND", "127.0.0.1:2", "TOKEN", "t"));

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("listeners[0].timeouts.request");
            assertThat(e.message()).contains("\"${REQUEST-TIMEOUT}\" is not a variable reference").contains("$${");
        });
        String unclosed = YAML.replace("\"127.0.0.1:${PORT}\"", "\"127.0.0.1:${PORT\"");
        assertThat(errors(unclosed, Map.of("BACKEND", "127.0.0.1:2", "TOKEN", "t")))
                .singleElement().satisfies(e -> assertThat(e.message()).contains("without a closing"));
    }

    @Test
    void keysAreNeverSubstituted() throws Exception {
        String yaml = YAML.replace("note:", "\"${KEY}\":");
        Map<String, String> env = Map.of("PORT", "1", "BACKEND", "127.0.0.1:2", "TOKEN", "t", "KEY", "k");

        assertThat(parse(yaml, env).pools().getFirst().backends().getFirst().labels()).containsKey("${KEY}");
    }

    @Test
    void textGivenAsTextIsTakenAsWritten() throws Exception {
        String yaml = YAML.replace("${PORT}", "1").replace("${BACKEND}", "127.0.0.1:2")
                .replace("${WEIGHT:-7}", "7").replace("${REQUEST_TIMEOUT:-30s}", "30s");

        assertThat(ConfigLoader.parse(yaml, SOURCE).pools().getFirst().backends().getFirst().labels())
                .containsEntry("token", "${TOKEN}");
    }

    @Test
    void aFileIsSubstitutedWithTheGivenVariables(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("fulcrum.yaml");
        Files.writeString(file, YAML);

        FulcrumConfig c = ConfigLoader.loadWithWarnings(file, ConfigVariables.of(Map.of("PORT", "2", "BACKEND",
                "127.0.0.1:3", "TOKEN", "t"))).config();

        assertThat(c.listeners().getFirst().bind().port()).isEqualTo(2);
    }
}
