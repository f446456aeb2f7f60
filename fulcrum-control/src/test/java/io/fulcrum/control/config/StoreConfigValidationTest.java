package io.fulcrum.control.config;

import io.fulcrum.control.store.FileConfigStore;
import io.fulcrum.core.config.store.StoreType;
import io.fulcrum.core.extension.ExtensionConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store section is validated through the registry of configuration stores: without
 * {@code fulcrum-cluster} on the class path only {@code file} is registered, so a file naming
 * {@code etcd} is refused at the section's line, with the known stores.
 */
class StoreConfigValidationTest {

    @Test
    void absentMeansTheFileStore() throws Exception {
        assertThat(ConfigLoader.parse("""
                listeners: [{name: web, bind: "127.0.0.1:18081", routes: [{name: all, pool: app}]}]
                pools: [{name: app, backends: [{address: "127.0.0.1:1001"}]}]
                """, "t").store()).isEqualTo(ExtensionConfig.of(StoreType.FILE));
        // Without a store, a file that accepts no traffic is refused.
        assertThatThrownBy(() -> ConfigLoader.parse("server: {host: lb-1}\n", "t"))
                .hasMessageContaining("at least one listener is required");
    }

    @Test
    void aStoreThatIsNotRegisteredIsRefusedWithTheKnownOnes() {
        String yaml = """
                server: {host: lb-1}
                store:
                  etcd: {endpoints: ["http://127.0.0.1:2379"]}
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "t")).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.errors()).singleElement().satisfies(x -> {
                assertThat(x.path()).isEqualTo("store");
                assertThat(x.line()).isEqualTo(3);
                assertThat(x.message()).isEqualTo("unknown configuration store \"etcd\"; known: file");
            });
        });
    }

    @Test
    void theFileStoreIsWrittenByItsNameAloneOrWithItsTypedSettings() throws Exception {
        String traffic = """
                listeners: [{name: web, bind: "127.0.0.1:18081", routes: [{name: all, pool: app}]}]
                pools: [{name: app, backends: [{address: "127.0.0.1:1001"}]}]
                """;
        assertThat(ConfigLoader.parse(traffic + "store: file\n", "t").store())
                .isEqualTo(ExtensionConfig.of(StoreType.FILE));
        assertThat(ConfigLoader.parse(traffic + "store: {file: {path: other.yaml}}\n", "t").store())
                .isEqualTo(new ExtensionConfig<>(StoreType.FILE, new FileConfigStore.Settings("other.yaml")));
    }

    @Test
    void theFileStoresSettingsAreValidatedByItsFactoryAtTheirLineAndColumn() {
        String yaml = """
                listeners: [{name: web, bind: "127.0.0.1:18081", routes: [{name: all, pool: app}]}]
                pools: [{name: app, backends: [{address: "127.0.0.1:1001"}]}]
                store:
                  file: {path: " ", paht: x}
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "t")).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.errors()).extracting(ConfigError::path).containsExactlyInAnyOrder("store.file.path",
                    "store.file.paht");
            assertThat(e.errors()).filteredOn(x -> x.path().equals("store.file.paht")).singleElement()
                    .satisfies(x -> {
                        assertThat(x.line()).isEqualTo(4);
                        assertThat(x.column()).isEqualTo(21);
                    });
        });
    }
}
