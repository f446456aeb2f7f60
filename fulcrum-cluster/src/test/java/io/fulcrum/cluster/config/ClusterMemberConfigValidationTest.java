package io.fulcrum.cluster.config;

import io.fulcrum.control.config.ConfigError;
import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.config.cluster.ClusterConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cluster section: absent means a node alone; present, its defaults and the errors naming each field.
 * Here, not in fulcrum-control, because a {@code store: etcd} section needs the etcd store registered.
 */
class ClusterMemberConfigValidationTest {

    private static final String BASE = """
            listeners:
              - name: web
                bind: 127.0.0.1:18081
                routes:
                  - name: all
                    pool: app
            pools:
              - name: app
                backends:
                  - address: 127.0.0.1:1001
            """;

    @Test
    void absentMeansAloneAndPresentTakesDefaultsAndTheStoresEtcd() throws Exception {
        assertThat(ConfigLoader.parse(BASE, "t").cluster().enabled()).isFalse();
        ClusterConfig c = ConfigLoader.parse(BASE + """
                store:
                  etcd: {endpoints: ["http://127.0.0.1:2379"]}
                cluster:
                  nodeId: lb-1
                """, "t").cluster();
        assertThat(c.enabled()).isTrue();
        assertThat(c.roles()).containsExactly("proxy");
        assertThat(c.leaseTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.capacity()).isEqualTo(100);
        assertThat(c.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.site()).as("filled from server.site where used").isNull();
    }

    @Test
    void badValuesAreRefusedNamingTheirField() {
        String yaml = BASE + """
                cluster:
                  nodeId: "lb 1"
                  roles: [proxy, balancer]
                  leaseTtl: 1500ms
                  capacity: 0
                  drainTimeout: -5s
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "t")).isInstanceOfSatisfying(ConfigException.class, e -> {
            List<String> paths = e.errors().stream().map(ConfigError::path).toList();
            assertThat(paths).containsExactlyInAnyOrder("cluster.nodeId", "cluster.roles[1]", "cluster.leaseTtl",
                    "cluster.capacity", "cluster.drainTimeout", "cluster.etcd");
            assertThat(e.getMessage()).contains("unknown role \"balancer\"").contains("store.etcd");
        });
    }

    @Test
    void aSectionWithoutNodeIdIsRefusedNotIgnored() {
        assertThatThrownBy(() -> ConfigLoader.parse(BASE + """
                cluster:
                  roles: [dns]
                  etcd: {endpoints: ["http://127.0.0.1:2379"]}
                """, "t")).isInstanceOfSatisfying(ConfigException.class, e ->
                assertThat(e.errors()).extracting(ConfigError::path).containsExactly("cluster.nodeId"));
    }
}
