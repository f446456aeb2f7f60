package io.fulcrum.cluster.store;

import io.fulcrum.control.config.ConfigLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The store's layout: split into keys per section and object, and back. */
class ConfigLayoutTest {

    @ParameterizedTest
    @ValueSource(strings = {"single-node.yaml", "l4.yaml", "dns-gslb.yaml", "failover.yaml", "http2.yaml",
            "gslb-site-a.yaml"})
    void assemblingTheKeysOfAnExampleLoadsTheSameConfiguration(String example) throws Exception {
        Path file = Path.of("..", "examples", example);
        String yaml = Files.readString(file);

        String assembled = ConfigLayout.assemble(ConfigLayout.split(yaml));

        // Loaded from the same directory, so that relative file names resolve alike.
        assertThat(ConfigLoader.parse(assembled, file.toString())).isEqualTo(ConfigLoader.parse(yaml, file.toString()));
    }

    @Test
    void scalarsReadTheSameAfterTheRoundTrip() throws Exception {
        // YAML 1.1 booleans, a string that looks like one, a number: each keeps its type.
        String yaml = """
                server: {site: no, host: "42"}
                listeners:
                  - name: p
                    bind: "127.0.0.1:1"
                    forwarded: {xForwarded: yes, via: off}
                    routes: [{name: r, pool: web}]
                pools: [{name: web, backends: [{name: a, address: "127.0.0.1:2", weight: 3}]}]
                """;
        String assembled = ConfigLayout.assemble(ConfigLayout.split(yaml));

        assertThat(ConfigLoader.parse(assembled, "x")).isEqualTo(ConfigLoader.parse(yaml, "x"));
    }

    @Test
    void namedObjectsHaveAKeyEachAndListsKeepTheirOrder() {
        String yaml = """
                pools:
                  - name: web
                    backends: [{name: a, address: 127.0.0.1:1}]
                  - name: api
                    backends: [{name: b, address: 127.0.0.1:2}]
                dns:
                  listen: [127.0.0.1:5353]
                  zones: [{name: example.com, file: z.zone}]
                """;
        Map<String, String> keys = ConfigLayout.split(yaml);

        assertThat(keys.keySet()).containsExactlyInAnyOrder("pools/web", "pools/api", "order/pools", "dns",
                "dns/zones/example.com", "order/dns/zones");
        assertThat(ConfigLayout.assemble(keys).indexOf("web")).isLessThan(ConfigLayout.assemble(keys).indexOf("api"));
    }

    @Test
    void changingOnePoolChangesOnlyItsKey() {
        String before = "pools:\n  - name: web\n    backends: [{name: a, address: 127.0.0.1:1}]\n"
                + "  - name: api\n    backends: [{name: b, address: 127.0.0.1:2}]\n";
        String after = before.replace("127.0.0.1:2", "127.0.0.1:3");
        Map<String, String> a = ConfigLayout.split(before);
        Map<String, String> b = ConfigLayout.split(after);

        Map<String, String> changed = new TreeMap<>();
        b.forEach((k, v) -> {
            if (!v.equals(a.get(k))) {
                changed.put(k, v);
            }
        });
        assertThat(changed.keySet()).containsExactly("pools/api");
    }

    @Test
    void theBootstrapFilesSectionsWinAndTheStoresStoreSectionIsNeverFollowed() {
        String store = "server: {site: shared}\nadmin: {bind: 127.0.0.1:1}\nstore: {etcd: {endpoints: [http://x:1]}}\n"
                + "pools: [{name: web}]\n";
        String bootstrap = "admin: {bind: 127.0.0.1:2}\nstore: {etcd: {endpoints: [http://127.0.0.1:2379]}}\n";

        String node = ConfigLayout.overlay(store, bootstrap);

        assertThat(node).contains("shared", "127.0.0.1:2", "127.0.0.1:2379", "web")
                .doesNotContain("127.0.0.1:1", "http://x:1");
    }
}
