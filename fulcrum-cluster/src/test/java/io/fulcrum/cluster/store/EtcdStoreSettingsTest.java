package io.fulcrum.cluster.store;

import io.fulcrum.control.config.ConfigError;
import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.control.reload.CompileCheck;
import io.fulcrum.control.store.ConfigStore;
import io.fulcrum.control.store.ConfigStoreFactory;
import io.fulcrum.control.store.StoreContext;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.store.EtcdStoreConfig;
import io.fulcrum.core.config.store.StoreType;
import io.fulcrum.core.extension.ExtensionConfig;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code etcd} store in the registry of configuration stores: found by name next to the
 * built-in {@code file}, its settings bound with their defaults, refused through the registry
 * with the field and line (never the password), and opened by name.
 */
class EtcdStoreSettingsTest {

    @Test
    void etcdIsRegisteredByNameNextToFile() {
        assertThat(StoreType.registry().names()).containsExactly("etcd", "file");
        assertThat(StoreType.registry().get("etcd")).isInstanceOf(EtcdStoreFactory.class);
    }

    @Test
    void theStoreSectionIsOpenedByItsName(@TempDir Path dir) throws Exception {
        Path boot = Files.writeString(dir.resolve("boot.yaml"), "server: {host: lb-1}\n");
        ExtensionConfig<StoreType<?>> chosen = ConfigLoader.parse("""
                server: {host: lb-1}
                store: {etcd: {endpoints: ["http://127.0.0.1:1"], prefix: /by-name, connectTimeout: 100ms}}
                """, "t").store();
        assertThat(chosen.name()).isEqualTo("etcd");
        CompileCheck none = (FulcrumConfig c) -> java.util.List.of();
        try (ConfigStore opened = ConfigStoreFactory.open(chosen, new StoreContext(boot, none))) {
            assertThat(opened).isInstanceOf(EtcdConfigStore.class);
            assertThat(opened.source()).isEqualTo("etcd:/by-name");
        }
    }


    @Test
    void absentMeansTheFileAndABootstrapWithAStoreNeedsNoListener() throws Exception {
        assertThat(ConfigLoader.parse("""
                listeners: [{name: web, bind: "127.0.0.1:18081", routes: [{name: all, pool: app}]}]
                pools: [{name: app, backends: [{address: "127.0.0.1:1001"}]}]
                """, "t").store()).isEqualTo(ExtensionConfig.of(StoreType.FILE));
        // Without a store, a file that accepts no traffic is refused; with one, it is a bootstrap.
        assertThatThrownBy(() -> ConfigLoader.parse("server: {host: lb-1}\n", "t"))
                .hasMessageContaining("at least one listener is required");

        var store = ConfigLoader.parse("""
                server: {host: lb-1}
                store:
                  etcd:
                    endpoints: ["http://127.0.0.1:2379", "http://127.0.0.2:2379"]
                    requestTimeout: 3s
                """, "t").store();
        assertThat(store.name()).isEqualTo("etcd");
        EtcdStoreConfig etcd = EtcdStoreConfig.chosenIn(store);
        assertThat(etcd.endpoints()).hasSize(2);
        assertThat(etcd.prefix()).isEqualTo("/fulcrum");
        assertThat(etcd.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void theShortFormNamesTheStoreWithItsDefaultsWhichEtcdRefusesForWantOfEndpoints() {
        assertThatThrownBy(() -> ConfigLoader.parse("server: {host: lb-1}\nstore: etcd\n", "t"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).singleElement()
                        .satisfies(x -> {
                            assertThat(x.path()).isEqualTo("store.etcd.endpoints");
                            assertThat(x.line()).isEqualTo(2);
                        }));
    }

    @Test
    void aSettingEtcdDoesNotHaveIsRefusedAtItsLineAndColumn() {
        String yaml = """
                server: {host: lb-1}
                store:
                  etcd:
                    endpoints: ["http://127.0.0.1:2379"]
                    endpiont: x
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "t")).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.errors()).singleElement().satisfies(x -> {
                assertThat(x.path()).isEqualTo("store.etcd.endpiont");
                assertThat(x.line()).isEqualTo(5);
                assertThat(x.column()).isEqualTo(5);
            });
        });
    }

    @Test
    void badSettingsAreRefusedWithTheirLine() {
        String yaml = """
                store:
                  etcd:
                    endpoints: ["127.0.0.1:2379", "https://127.0.0.1:2379"]
                    prefix: /
                    password: do-not-print-me
                    tls: {cert: c.pem}
                    retryMaxDelay: 0s
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "t")).isInstanceOfSatisfying(ConfigException.class, e -> {
            List<String> paths = e.errors().stream().map(ConfigError::path).toList();
            assertThat(paths).contains("store.etcd.endpoints[0]", "store.etcd.prefix", "store.etcd.user",
                    "store.etcd.tls.key", "store.etcd.retryMaxDelay");
            assertThat(e.errors()).filteredOn(x -> x.path().equals("store.etcd.prefix"))
                    .singleElement().satisfies(x -> assertThat(x.line()).isEqualTo(4));
            assertThat(e.getMessage()).doesNotContain("do-not-print-me");
        });
    }
}
