package io.fulcrum.cluster.config;

import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.cluster.ControlledPoolConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code controller:} and {@code stickyPeers:} sections: defaults, and errors that name the
 * field. Here, beside the {@code etcd} store they need (registered by this module).
 */
class ClusterConfigValidationTest {

    private static final String BASE = """
            listeners: [{name: l, bind: "127.0.0.1:8080", routes: [{name: r, pool: p}]}]
            pools: [{name: p, backends: [{address: "127.0.0.1:9000"}]}]
            """;
    private static final String ETCD = """
            store: {etcd: {endpoints: ["http://127.0.0.1:2379"]}}
            cluster: {nodeId: n1}
            """;

    private static List<String> errors(String yaml) {
        try {
            ConfigLoader.parse(BASE + yaml, "t.yaml");
        } catch (ConfigException e) {
            return e.errors().stream().map(x -> x.path() + ": " + x.message()).toList();
        }
        throw new AssertionError("accepted:\n" + yaml);
    }

    @Test
    void aValidSectionBindsWithDefaults() throws Exception {
        FulcrumConfig c = ConfigLoader.parse(BASE + ETCD + """
                controller: {enabled: true, pools: [{name: p}]}
                stickyPeers: {listen: "127.0.0.1:7400", peers: ["127.0.0.2:7400"]}
                """, "t.yaml");
        assertThat(c.controller().interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.controller().leaseTtl()).isEqualTo(Duration.ofSeconds(5));
        ControlledPoolConfig p = c.controller().pool("p");
        assertThat(p.mode()).isEqualTo("weights");
        assertThat(p.policy()).isEqualTo("manager");
        assertThat(p.threshold()).isEqualTo(10);
        assertThat(c.stickyPeers().enabled()).isTrue();
        // Without the sections both are off.
        FulcrumConfig plain = ConfigLoader.parse(BASE, "t.yaml");
        assertThat(plain.controller().enabled()).isFalse();
        assertThat(plain.stickyPeers().enabled()).isFalse();
    }

    @Test
    void badValuesAreNamedByPath() {
        // The controller runs on a cluster member (its etcd, its election), even with store.etcd.
        assertThat(errors("store: {etcd: {endpoints: [\"http://127.0.0.1:2379\"]}}\ncontroller: {enabled: true}\n"))
                .contains("controller.enabled: the controller runs on a cluster member: add a cluster section");
        assertThat(errors(ETCD + """
                controller:
                  enabled: true
                  leaseTtl: 1s
                  pools:
                    - {name: nope}
                    - {name: p, mode: push, policy: magic, minWeight: 5, maxWeight: 2, smoothing: 0, threshold: 101}
                """)).contains(
                "controller.leaseTtl: must be at least 2s and at least twice controller.interval",
                "controller.pools[0].name: unknown pool \"nope\"",
                "controller.pools[1].mode: must be weights or aggregates, not \"push\"",
                "controller.pools[1].policy: must be manager or congestion, not \"magic\"",
                "controller.pools[1].maxWeight: need 1 <= minWeight <= maxWeight <= 1000000",
                "controller.pools[1].smoothing: must be at least 1",
                "controller.pools[1].threshold: must be a percentage, 0 to 100");
        assertThat(errors("stickyPeers: {peers: [\"127.0.0.2:7400\"]}\n"))
                .contains("stickyPeers.listen: required when stickyPeers.peers is given");
        assertThat(errors("stickyPeers: {listen: \"127.0.0.1:7400\", peers: [\"127.0.0.2\"]}\n"))
                .anyMatch(e -> e.startsWith("stickyPeers.peers[0]: "));
    }
}
