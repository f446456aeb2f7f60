package io.fulcrum.control.store;

import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.reload.ReloadResult;
import io.fulcrum.core.config.store.StoreType;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.extension.ExtensionConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The built-in {@code file} store, found by name, over a real file and its watcher. */
class FileConfigStoreTest {

    private static String yaml(int weight) {
        return """
                listeners:
                  - name: web
                    bind: 127.0.0.1:8080
                    routes:
                      - name: all
                        pool: app
                pools:
                  - name: app
                    backends:
                      - address: 127.0.0.1:9000
                        weight: %d
                """.formatted(weight);
    }

    @Test
    void fileIsTheBuiltInStoreAndABlankPathIsRefused() {
        assertThat(StoreType.registry().names()).contains("file");
        assertThat(StoreType.registry().validate(new ExtensionConfig<>("file", new FileConfigStore.Settings(" "))))
                .extracting(e -> e.field() + ": " + e.reason())
                .containsExactly("file.path: blank: name the configuration file, or leave path out");
        // No path: the node's own file, what a configuration without a store section means.
        assertThat(StoreType.registry().validate(ExtensionConfig.of("file"))).isEmpty();
    }

    @Test
    void loadsTheFileAndHandsOnEveryChangeValidOrNot(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("fulcrum.yaml"), yaml(1));
        StoreType<?> factory = StoreType.registry().get("file");
        List<FulcrumConfig> candidates = new CopyOnWriteArrayList<>();
        List<ConfigException> refusals = new CopyOnWriteArrayList<>();
        try (ConfigStore store = ((FileConfigStore.Factory) factory).open(new FileConfigStore.Settings(file.toString()), null)) {
            assertThat(store.load().config().pool("app").backends().getFirst().weight()).isEqualTo(1);
            store.watch(new ConfigStore.Listener() {
                @Override
                public ReloadResult offer(FulcrumConfig candidate, String source, String trigger) {
                    candidates.add(candidate);
                    return null;
                }

                @Override
                public void refused(ConfigException problems, String source) {
                    refusals.add(problems);
                }
            });
            Files.writeString(file, yaml(7));
            await().atMost(Duration.ofSeconds(10)).until(() -> !candidates.isEmpty());
            assertThat(candidates.getLast().pool("app").backends().getFirst().weight()).isEqualTo(7);

            Files.writeString(file, yaml(-1));
            await().atMost(Duration.ofSeconds(10)).until(() -> !refusals.isEmpty());
            assertThat(refusals.getLast().errors().getFirst().path()).isEqualTo("pools[0].backends[0].weight");
        }
    }
}
