package io.fulcrum.control.config;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every file in the repository's {@code examples/} directory loads, without errors or warnings. */
class ExamplesTest {

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
            assertThat(loaded.config().listeners()).isNotEmpty();
            assertThat(loaded.warnings()).as("warnings of %s", file).isEmpty();
        }));
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
