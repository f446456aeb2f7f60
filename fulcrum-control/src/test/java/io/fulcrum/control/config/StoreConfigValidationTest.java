package io.fulcrum.control.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store section: bound with its defaults, and refused with the field and line, never the password. */
class StoreConfigValidationTest {

    @Test
    void absentMeansTheFileAndABootstrapWithAStoreNeedsNoListener() throws Exception {
        assertThat(ConfigLoader.parse("""
                listeners: [{name: web, bind: "127.0.0.1:18081", routes: [{name: all, pool: app}]}]
                pools: [{name: app, backends: [{address: "127.0.0.1:1001"}]}]
                """, "t").store().kind()).isEqualTo("file");
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
        assertThat(store.kind()).isEqualTo("etcd");
        assertThat(store.etcd().endpoints()).hasSize(2);
        assertThat(store.etcd().prefix()).isEqualTo("/fulcrum");
        assertThat(store.etcd().requestTimeout()).isEqualTo(Duration.ofSeconds(3));
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
