package io.fulcrum.control.config;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

/** Helpers shared by the configuration tests. */
final class ConfigTestSupport {

    static final String SOURCE = "test.yaml";

    private ConfigTestSupport() {
    }

    /** The errors of a configuration that must fail to load. */
    static List<ConfigError> errorsOf(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, SOURCE));
        if (e == null) {
            fail("expected the configuration to be refused:\n" + yaml);
        }
        assertThat(e.sourceName()).isEqualTo(SOURCE);
        return e.errors();
    }

    /** The single error of a configuration that must fail with exactly one problem. */
    static ConfigError onlyError(String yaml) {
        List<ConfigError> errors = errorsOf(yaml);
        assertThat(errors).as("errors of\n%s", yaml).hasSize(1);
        return errors.getFirst();
    }

    /** The warnings of a configuration that must load. */
    static List<ConfigError> warningsOf(String yaml) {
        try {
            return ConfigLoader.parseWithWarnings(yaml, SOURCE).warnings();
        } catch (ConfigException e) {
            throw new AssertionError("expected the configuration to load, got:\n" + e.getMessage(), e);
        }
    }

    /** The 1-based line where the only occurrence of {@code marker} (which may span lines) starts. */
    static int lineOf(String yaml, String marker) {
        int at = yaml.indexOf(marker);
        assertThat(at).as("marker %s not found", marker).isNotNegative();
        assertThat(yaml.indexOf(marker, at + 1)).as("marker %s appears more than once", marker).isNegative();
        return (int) yaml.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    }

    /** {@code yaml} with the only occurrence of {@code original} replaced. */
    static String with(String yaml, String original, String replacement) {
        int at = yaml.indexOf(original);
        assertThat(at).as("%s not found", original).isNotNegative();
        assertThat(yaml.indexOf(original, at + 1)).as("%s appears more than once", original).isNegative();
        return yaml.substring(0, at) + replacement + yaml.substring(at + original.length());
    }
}
