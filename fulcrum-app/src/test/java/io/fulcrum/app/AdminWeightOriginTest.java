package io.fulcrum.app;

import io.fulcrum.testsupport.ConfigYaml;
import io.fulcrum.testsupport.NamedBackend;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.admin.AdminService;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
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
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The admin view says where each backend's weight comes from, as the part that set it
 * recorded it: a weight set by a schedule in force is {@code schedule} (it was shown as
 * {@code adaptive}), an untouched one {@code config}, one fixed through the API
 * {@code operator}.
 */
class AdminWeightOriginTest {

    private static final String TOKEN = "weight-origin-token-0123456789";

    @TempDir
    Path dir;

    @Test
    void aScheduledWeightIsShownAsScheduleWithItsSet() throws Exception {
        try (NamedBackend a = NamedBackend.start("a"); NamedBackend b = NamedBackend.start("b");
             NamedBackend c = NamedBackend.start("c");
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            Path file = Files.writeString(dir.resolve("fulcrum.yaml"), ConfigYaml.quietNode()
                    + ConfigYaml.webListener(FreePorts.tcp(), "app") + """
                    pools:
                      - name: app
                        health:
                          schedules:
                            - name: launch
                              at: "2020-01-01T00:00:00Z"
                              weights: {a: 5}
                        backends:
                          - {name: a, address: "%s"}
                          - {name: b, address: "%s"}
                          - {name: c, address: "%s"}
                    """.formatted(a.address(), b.address(), c.address())
                    + ConfigYaml.admin(new ConfigYaml.Token("ops", "admin", TOKEN)));
            try (FulcrumNode node = FulcrumNode.create(ConfigLoader.load(file), file)) {
                node.start();
                URI admin = URI.create(node.service(AdminService.class).url());
                await().atMost(Duration.ofSeconds(15)).until(() -> node.proxy().backend("app", "a").weight() == 5);
                HttpResponse<String> put = http.send(HttpRequest.newBuilder(admin.resolve("api/v1/pools/app/backends/c/weight"))
                        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"weight\":3}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

                HttpResponse<String> r = http.send(HttpRequest.newBuilder(admin.resolve("api/v1/backends"))
                        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
                Map<String, JsonNode> byName = new HashMap<>();
                new ObjectMapper().readTree(r.body()).forEach(n -> byName.put(n.get("name").asText(), n));
                assertThat(byName.get("a").get("weight").asInt()).isEqualTo(5);
                assertThat(byName.get("a").get("weightOrigin").asText()).isEqualTo("schedule");
                assertThat(byName.get("a").get("weightReason").asText()).contains("launch");
                assertThat(byName.get("b").get("weightOrigin").asText()).isEqualTo("config");
                assertThat(byName.get("c").get("weight").asInt()).isEqualTo(3);
                assertThat(byName.get("c").get("weightOrigin").asText()).isEqualTo("operator");
            }
        }
    }
}
