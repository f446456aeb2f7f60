package io.fulcrum.control.config;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every file in the repository's {@code examples/} directory, and every YAML block of
 * {@code docs/configuration.md} (read as files are, with the variables its examples name),
 * loads without errors or warnings.
 */
class ExamplesTest {

    /** The environment the blocks of the reference are read with: the variables its examples name. */
    private static final ConfigVariables DOC_VARIABLES = ConfigVariables.of(Map.of("APP_ADDRESS", "127.0.0.1:9000"));

    @TestFactory
    Stream<DynamicTest> everyExampleLoads() throws IOException {
        Path examples = examplesDirectory();
        List<Path> files;
        try (Stream<Path> list = Files.list(examples)) {
            files = list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        assertThat(files).as("YAML files in %s", examples).isNotEmpty();
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            LoadedConfig loaded;
            try {
                loaded = ConfigLoader.loadWithWarnings(file);
            } catch (ConfigException e) {
                throw new AssertionError(e.getMessage(), e);
            }
            assertThat(loaded.config().listeners().isEmpty() && loaded.config().virtualServices().isEmpty())
                    .as("%s serves nothing", file).isFalse();
            assertThat(loaded.warnings()).as("warnings of %s", file).isEmpty();
        }));
    }

    @Test
    void theYamlBlocksOfTheConfigurationReferenceLoad() throws IOException {
        Path reference = examplesDirectory().resolveSibling("docs").resolve("configuration.md");
        String text = Files.readString(reference);
        Matcher m = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(text);
        int blocks = 0;
        while (m.find()) {
            blocks++;
            String name = reference.getFileName() + " block " + blocks;
            try {
                LoadedConfig loaded = ConfigLoader.parseWithWarnings(m.group(1), name, DOC_VARIABLES);
                assertThat(loaded.warnings()).as("warnings of %s", name).isEmpty();
            } catch (ConfigException e) {
                throw new AssertionError(e.getMessage(), e);
            }
        }
        assertThat(blocks).as("yaml blocks in %s", reference).isPositive();
    }

    /** {@code examples/} at the repository root: the nearest ancestor of the working directory that has one. */
    static Path examplesDirectory() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("examples");
            if (Files.isDirectory(candidate) && Files.exists(dir.resolve("pom.xml"))) {
                return candidate;
            }
        }
        throw new AssertionError("no examples/ directory above " + Path.of("").toAbsolutePath());
    }
}
