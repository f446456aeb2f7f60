package io.fulcrum.admin.state;

import io.fulcrum.testsupport.ConfigYaml;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.StickinessConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The overlay of the operator's changes, and the state file round trip. */
class AdminStateTest {

    @TempDir
    Path dir;

    private static final String YAML = ConfigYaml.webListener(18080, "app") + """
            pools:
              - name: app
                backends:
                  - name: a
                    address: 127.0.0.1:1001
                  - name: b
                    address: 127.0.0.1:1002
                    weight: 3
            admin:
              stateFile: state/changes.json
              tokens:
                - name: ops
                  role: admin
                  token: 0123456789abcdef0123
            """;

    @Test
    void changesAreLaidOverEveryConfigurationAndKeptInTheFile() throws Exception {
        Path file = dir.resolve("f.yaml");
        Files.writeString(file, YAML);
        FulcrumConfig base = ConfigLoader.load(file);
        AdminState state = AdminState.open(base, file);
        assertThat(state.file()).isEqualTo(dir.resolve("state/changes.json"));
        assertThat(state.overlay(base)).isSameAs(base);

        state.change(AdminState.override("app", "a", o -> new StateData.BackendOverride("draining", 7)));
        state.change(AdminState.add("app", new BackendConfig("c", HostPort.parse("127.0.0.1:1003"), 2, null, null, null, null, null)));
        state.change(AdminState.remove("app", "b", true));
        state.change(AdminState.stickiness("web", "all", new StickinessConfig(true, "cookie", "S", Duration.ofMinutes(9))));
        state.change(AdminState.importance("app", Map.of("service", 2.0)));

        FulcrumConfig reopened = AdminState.open(base, file).overlay(base);
        var pool = reopened.pool("app");
        assertThat(pool.backends()).extracting(BackendConfig::name).containsExactly("a", "c");
        assertThat(pool.backends().getFirst().state()).isEqualTo("draining");
        assertThat(pool.backends().getFirst().weight()).isEqualTo(7);
        assertThat(reopened.listeners().getFirst().routes().getFirst().stickiness().timeout()).isEqualTo(Duration.ofMinutes(9));
        assertThat(AdminState.open(base, file).data().importance()).containsKey("app");
        // The operator's own file is never rewritten.
        assertThat(Files.readString(file)).isEqualTo(YAML);

        // Clearing the override and re-adding the removed backend bring the file's values back.
        state.change(AdminState.override("app", "a", o -> new StateData.BackendOverride(null, null)));
        state.change(AdminState.add("app", new BackendConfig("b", HostPort.parse("127.0.0.1:1002"), 3, null, null, null, null, null)));
        FulcrumConfig again = AdminState.open(base, file).overlay(base);
        assertThat(again.pool("app").backends()).extracting(BackendConfig::name).contains("a", "b", "c");
        assertThat(again.pool("app").backends().getFirst().state()).isEqualTo("up");
    }

    @Test
    void withoutAnAdminSectionNothingIsKept() throws Exception {
        FulcrumConfig base = ConfigLoader.parse(YAML.substring(0, YAML.indexOf("admin:")), "t");
        AdminState state = AdminState.none();
        assertThat(AdminState.open(base, null).file()).isNull();
        assertThat(state.overlay(base)).isSameAs(base);
    }

    @Test
    void anUnreadableStateFileIsSetAside() throws Exception {
        Path file = dir.resolve("f.yaml");
        Files.writeString(file, YAML);
        Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("state/changes.json"), "{not json");
        FulcrumConfig base = ConfigLoader.load(file);
        assertThat(AdminState.open(base, file).overlay(base)).isSameAs(base);
    }
}
