package io.fulcrum.control.reload;

import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.config.FulcrumConfig;
import org.junit.jupiter.api.Test;

import static io.fulcrum.control.reload.ConfigReloaderTest.ADMIN;
import static io.fulcrum.control.reload.ConfigReloaderTest.backend;
import static io.fulcrum.control.reload.ConfigReloaderTest.yaml;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link ConfigChanges}: what a reload reports as changed. */
class ConfigChangesTest {

    private static FulcrumConfig parse(String yaml) throws Exception {
        return ConfigLoader.parse(yaml, "test.yaml");
    }

    @Test
    void identicalConfigurationsHaveNoChanges() throws Exception {
        String y = yaml(ADMIN, backend("a", 1));
        ConfigChanges c = ConfigChanges.between(parse(y), parse(y));
        assertThat(c.isEmpty()).isTrue();
        assertThat(c.summary()).isEqualTo("no changes");
    }

    @Test
    void namesEveryKindOfChange() throws Exception {
        FulcrumConfig before = parse(yaml(ADMIN, backend("a", 1) + backend("b", 2) + backend("d", 1)));
        FulcrumConfig after = parse(yaml("", backend("b", 5) + backend("c", 1)
                + backend("d", 1).replace("weight: 1", "weight: 1\n        maxConnections: 10"))
                .replace("bind: 127.0.0.1:8080", "bind: 127.0.0.1:9090")
                .replace("    backends:", "    algorithm: least-connections\n    backends:"));

        ConfigChanges c = ConfigChanges.between(before, after);

        assertThat(c.listenersRemoved()).containsExactly("admin");
        assertThat(c.listenersChanged()).containsExactly("web");
        assertThat(c.poolsChanged()).containsExactly("app");
        assertThat(c.backendsAdded()).containsExactly("app/c");
        assertThat(c.backendsRemoved()).containsExactly("app/a");
        assertThat(c.backendsReweighted()).containsExactly("app/b 2->5");
        assertThat(c.backendsChanged()).containsExactly("app/d");
        assertThat(c.summary()).isEqualTo("listeners removed [admin], changed [web]; pools changed [app]; "
                + "backends added [app/c], removed [app/a], re-weighted [app/b 2->5], changed [app/d]");
    }

    @Test
    void aBackendThatMovedIsRemovedAndAdded() throws Exception {
        FulcrumConfig before = parse(yaml("", backend("a", 1)));
        FulcrumConfig after = parse(yaml("", backend("a", 1).replace("127.0.0.1:", "127.0.0.2:")));
        ConfigChanges c = ConfigChanges.between(before, after);
        assertThat(c.backendsAdded()).containsExactly("app/a");
        assertThat(c.backendsRemoved()).containsExactly("app/a");
    }
}
