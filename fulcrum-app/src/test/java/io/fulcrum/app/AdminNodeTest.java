package io.fulcrum.app;

import io.fulcrum.testsupport.ConfigYaml;
import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.admin.AdminService;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.backend.WeightOrigin;
import io.fulcrum.core.event.Event;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real node with its admin service: a drain made through the API holds across a
 * reload of the file (as {@code fulcrum run} does it) and across a restart.
 */
class AdminNodeTest {

    private static final String TOKEN = "node-test-token-0123456789";
    private static final ConfigYaml.Token OPS = new ConfigYaml.Token("ops", "admin", TOKEN);

    @TempDir
    Path dir;

    @Test
    void aDrainThroughTheApiSurvivesReloadAndRestart() throws Exception {
        try (NamedBackend a = NamedBackend.start("a"); NamedBackend b = NamedBackend.start("b");
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            int port = FreePorts.tcp();
            Path file = Files.writeString(dir.resolve("fulcrum.yaml"), ConfigYaml.quietNode()
                    + ConfigYaml.webListener(port, "app") + """
                    pools:
                      - name: app
                        backends:
                          - name: a
                            address: %s
                          - name: b
                            address: %s
                    """.formatted(a.address(), b.address()) + ConfigYaml.admin(OPS));
            try (FulcrumNode node = FulcrumNode.create(ConfigLoader.load(file), file)) {
                node.start();
                String admin = node.service(AdminService.class).url();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(admin + "api/v1/pools/app/backends/a/drain"))
                        .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                node.apply(ConfigLoader.load(file)); // what a reload of the unchanged file does
                assertThat(node.proxy().backend("app", "a").state()).isEqualTo(BackendState.DRAINING);
                assertThat(node.events().latest(10)).anyMatch(e -> e.kind().equals("admin.backend.drain") && e.actor().equals("ops"));
            }
            assertThat(dir.resolve("fulcrum-state.json")).exists();
            try (FulcrumNode node = FulcrumNode.create(ConfigLoader.load(file), file)) {
                // Laid over before the proxy is built: drained from the first request on.
                assertThat(node.proxy().backend("app", "a").state()).isEqualTo(BackendState.DRAINING);
                node.start();
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < 6; i++) {
                    seen.add(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                            HttpResponse.BodyHandlers.ofString()).body());
                }
                assertThat(seen).containsExactly("b");
            }
        }
    }

    /**
     * A weight fixed and a metric importance set through the API reach the health service's
     * adaptive loop: the fixed backend keeps its weight (origin FIXED) while the others are
     * recomputed, and the next recomputation uses the operator's importance.
     */
    @Test
    void aFixedWeightAndMetricImportanceSetThroughTheApiDriveTheAdaptiveLoop() throws Exception {
        try (NamedBackend a = NamedBackend.start("a"); NamedBackend b = NamedBackend.start("b");
             NamedBackend c = NamedBackend.start("c");
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            int port = FreePorts.tcp();
            Path file = Files.writeString(dir.resolve("fulcrum.yaml"), ConfigYaml.quietNode()
                    + ConfigYaml.webListener(port, "app") + """
                    pools:
                      - name: app
                        health:
                          checks:
                            - {type: http, interval: 100ms, timeout: 1s}
                          adaptiveWeights:
                            interval: 200ms
                        backends:
                          - {name: a, address: %s, weight: 10}
                          - {name: b, address: %s, weight: 10}
                          - {name: c, address: %s, weight: 10}
                    """.formatted(a.address(), b.address(), c.address()) + ConfigYaml.admin(OPS));
            try (FulcrumNode node = FulcrumNode.create(ConfigLoader.load(file), file)) {
                node.start();
                String admin = node.service(AdminService.class).url();
                HttpResponse<String> fixed = http.send(HttpRequest.newBuilder(
                                URI.create(admin + "api/v1/pools/app/backends/a/weight"))
                        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"weight\": 7}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(fixed.statusCode()).as(fixed.body()).isEqualTo(200);
                HttpResponse<String> importance = http.send(HttpRequest.newBuilder(
                                URI.create(admin + "api/v1/pools/app/importance"))
                        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"input\": 0, \"service\": 3}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(importance.statusCode()).as(importance.body()).isEqualTo(200);
                long after = node.events().latest(1).getFirst().sequence();

                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                    http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                            HttpResponse.BodyHandlers.discarding());
                    Event recomputed = node.events().since(after, 10_000).stream()
                            .filter(e -> e.kind().equals("weights.recomputed")).reduce((x, y) -> y).orElse(null);
                    assertThat(recomputed).isNotNull();
                    // Only b and c were recomputed; a keeps the operator's weight.
                    assertThat(recomputed.details()).containsKeys("b", "c").doesNotContainKey("a");
                    assertThat(recomputed.details().get("importance"))
                            .contains("input=0.0").contains("service=3.0").contains("set by an operator");
                });
                assertThat(node.proxy().backend("app", "a").weight()).isEqualTo(7);
                assertThat(node.proxy().backend("app", "a").weightOrigin()).isEqualTo(WeightOrigin.FIXED);
            }
        }
    }
}
