package io.fulcrum.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.fulcrum.app.demo.DemoConfiguration;
import io.fulcrum.app.demo.SampleBackend;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration's JSON Schema: the shipped {@code docs/fulcrum.schema.json} is exactly
 * what {@code fulcrum schema} prints, every configuration of the repository (examples,
 * benchmark configurations, the demo's, the reference's blocks) follows it as checked by a
 * JSON Schema validator, and a wrong file does not.
 */
class ConfigSchemaTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path ROOT = repositoryRoot();
    private static final Path SHIPPED = ROOT.resolve("docs").resolve("fulcrum.schema.json");

    @TempDir
    Path dir;

    @Test
    void theShippedSchemaIsWhatFulcrumSchemaPrints() throws Exception {
        String printed = fulcrumSchemaAsShipped();
        // Left for a developer to copy when the records changed.
        Path fresh = Files.writeString(Path.of("target", "fulcrum.schema.json"), printed);

        assertThat(Files.readString(SHIPPED))
                .as("docs/fulcrum.schema.json is not what `fulcrum schema` prints: the configuration records changed."
                        + " Regenerate it: cp fulcrum-app/%s docs/fulcrum.schema.json (this test wrote it), or"
                        + " bin/fulcrum schema > docs/fulcrum.schema.json", fresh)
                .isEqualTo(printed);
    }

    @TestFactory
    Stream<DynamicTest> everyConfigurationOfTheRepositoryFollowsTheSchema() throws Exception {
        Schema schema = shippedSchema();
        Map<String, String> configurations = new LinkedHashMap<>();
        for (String folder : List.of("examples", "bench")) {
            try (Stream<Path> files = Files.list(ROOT.resolve(folder))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                    configurations.put(folder + "/" + f.getFileName(), Files.readString(f));
                }
            }
        }
        List<SampleBackend> backends = List.of(SampleBackend.start("alpha", "red"), SampleBackend.start("beta", "blue"));
        try {
            configurations.put("demo", DemoConfiguration.yaml(8080, backends));
            configurations.put("demo with admin", DemoConfiguration.yaml(8080, backends, 9090, "t".repeat(32)));
        } finally {
            backends.forEach(SampleBackend::close);
        }
        Matcher blocks = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(ROOT.resolve("docs").resolve("configuration.md")));
        for (int i = 1; blocks.find(); i++) {
            configurations.put("docs/configuration.md block " + i, blocks.group(1));
        }
        assertThat(configurations).hasSizeGreaterThan(15);
        return configurations.entrySet().stream().map(c -> DynamicTest.dynamicTest(c.getKey(), () ->
                assertThat(messages(schema.validate(YAML.readTree(c.getValue())))).as(c.getKey()).isEmpty()));
    }

    @Test
    void aWrongFileIsRefusedByTheSchemaAtTheWrongValue() throws Exception {
        Schema schema = shippedSchema();
        String valid = """
                listeners:
                  - name: web
                    bind: 127.0.0.1:${PORT:-8080}
                    timeouts: {request: 30s}
                    routes: [{name: all, pool: app}]
                pools:
                  - name: app
                    algorithm: {maglev: {tableSize: 65537}}
                    backends:
                      - address: 127.0.0.1:9001
                        weight: ${WEIGHT}
                """;
        assertThat(messages(schema.validate(YAML.readTree(valid)))).isEmpty();

        assertThat(messages(schema.validate(YAML.readTree(valid.replace("weight:", "wieght:")))))
                .anySatisfy(m -> assertThat(m).contains("/pools/0/backends/0:").contains("wieght"));
        assertThat(messages(schema.validate(YAML.readTree(valid.replace("request: 30s", "request: 30")))))
                .anySatisfy(m -> assertThat(m).contains("/listeners/0/timeouts/request:"));
        assertThat(messages(schema.validate(YAML.readTree(valid.replace("[{name: all, pool: app}]", "5")))))
                .anySatisfy(m -> assertThat(m).contains("/listeners/0/routes:"));
        assertThat(messages(schema.validate(YAML.readTree(valid.replace("maglev", "maglv")))))
                .anySatisfy(m -> assertThat(m).contains("/pools/0/algorithm"));
        assertThat(messages(schema.validate(YAML.readTree(valid.replace("    bind: 127.0.0.1:${PORT:-8080}\n", "")))))
                .anySatisfy(m -> assertThat(m).contains("/listeners/0:").contains("bind"));
    }

    private static List<String> messages(List<Error> errors) {
        return errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
    }

    private static Schema shippedSchema() throws IOException {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(Files.readString(SHIPPED), InputFormat.JSON);
    }

    /**
     * {@code fulcrum schema} in a child JVM on the product's class path: this module's test
     * classes are left out, since they register extensions of their own (a test check type,
     * a test algorithm) that the product does not have.
     */
    private String fulcrumSchemaAsShipped() throws Exception {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("test-classes/"))
                .collect(Collectors.joining(File.pathSeparator));
        Path out = dir.resolve("schema.json");
        Path err = dir.resolve("stderr.txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", classPath, FulcrumCommand.class.getName(), "schema"));
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(Duration.ofSeconds(90).toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("fulcrum schema did not exit");
        }
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        return Files.readString(out);
    }

    private static Path repositoryRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("examples")) && Files.exists(d.resolve("pom.xml"))) {
                return d;
            }
        }
        throw new AssertionError("no repository root above " + Path.of("").toAbsolutePath());
    }
}
