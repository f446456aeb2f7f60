package io.fulcrum.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.admin.testing.TestNode;
import io.fulcrum.admin.testing.ThreeBackendNodeTest;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.l4.ConnectionTableSource;
import io.fulcrum.core.lifecycle.NodeService;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static io.fulcrum.admin.testing.AdminFixture.ADMIN_TOKEN;
import static io.fulcrum.admin.testing.AdminFixture.READ_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The admin API over real HTTP against a running proxy with three real backends. */
class AdminApiTest extends ThreeBackendNodeTest {

    @Test
    void withoutATokenNothingAnswersButTheDocumentAndMetrics() throws Exception {
        HttpResponse<String> r = http.send("GET", api("backends"), null, null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(http.send("GET", api("backends"), "wrong-token-0000000000", null).statusCode()).isEqualTo(401);
        assertThat(http.send("POST", api("pools/app/backends/alpha/drain"), null, null).statusCode()).isEqualTo(401);
        assertThat(http.send("GET", api("events/stream"), null, null).statusCode()).isEqualTo(401);
        assertThat(http.send("GET", node.adminUri().resolve("api/openapi.yaml"), null, null).statusCode()).isEqualTo(200);
        assertThat(http.send("GET", node.adminUri().resolve("metrics"), null, null).statusCode()).isEqualTo(200);
        assertThat(node.proxy().backend("app", "alpha").state()).isEqualTo(BackendState.UP);
    }

    @Test
    void aReadTokenReadsButCannotChangeAnything() throws Exception {
        assertThat(http.json("GET", api("whoami"), READ_TOKEN, null, 200).get("role").asText()).isEqualTo("read");
        Map<String, String[]> changes = new HashMap<>();
        changes.put("drain", new String[]{"POST", "pools/app/backends/alpha/drain", null});
        changes.put("disable", new String[]{"POST", "pools/app/backends/alpha/disable", null});
        changes.put("enable", new String[]{"POST", "pools/app/backends/alpha/enable", null});
        changes.put("weight", new String[]{"PUT", "pools/app/backends/alpha/weight", "{\"weight\":7}"});
        changes.put("add", new String[]{"POST", "pools/app/backends", "{\"address\":\"127.0.0.1:9\"}"});
        changes.put("remove", new String[]{"DELETE", "pools/app/backends/beta", null});
        changes.put("sticky", new String[]{"PUT", "listeners/web/routes/default/stickiness", "{\"enabled\":true}"});
        changes.put("importance", new String[]{"PUT", "pools/app/importance", "{\"service\":2}"});
        changes.put("reload", new String[]{"POST", "reload", null});
        for (var c : changes.entrySet()) {
            HttpResponse<String> r = http.send(c.getValue()[0], api(c.getValue()[1]), READ_TOKEN, c.getValue()[2]);
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(403);
            assertThat(r.body()).contains("read role");
        }
        assertThat(node.proxy().runtime().pools().get("app").backends()).hasSize(3)
                .allSatisfy(b -> {
                    assertThat(b.state()).isEqualTo(BackendState.UP);
                    assertThat(b.weight()).isEqualTo(1);
                });
        assertThat(node.config().listeners().getFirst().routes().get(1).stickiness().enabled()).isFalse();
        assertThat(dir.resolve("fulcrum-state.json")).doesNotExist();
        assertThat(node.events().latest(100)).noneMatch(e -> e.kind().startsWith("admin."));
    }

    @Test
    void everyReadEndpointShowsWhatTheRunningSystemHolds() throws Exception {
        traffic("page", 9);
        traffic("sticky/x", 2);
        JsonNode list = http.json("GET", api("backends"), READ_TOKEN, null, 200);
        assertThat(list).hasSize(3);
        for (JsonNode b : list) {
            NamedBackend real = backends.stream().filter(x -> x.name().equals(b.get("name").asText())).findFirst().orElseThrow();
            assertThat(b.get("address").asText()).isEqualTo(real.address());
            assertThat(b.get("health").asText()).isEqualTo("up");
            assertThat(b.get("weightOrigin").asText()).isEqualTo("config");
            assertThat(b.get("totalRequests").asLong()).isEqualTo(node.proxy().backend("app", real.name()).totalRequests())
                    .isEqualTo(real.requests());
        }
        JsonNode listeners = http.json("GET", api("listeners"), READ_TOKEN, null, 200);
        assertThat(listeners.get(0).get("boundAddress").asText())
                .isEqualTo("127.0.0.1:" + node.proxy().boundAddresses().get("web").getPort());
        JsonNode routes = http.json("GET", api("routes"), READ_TOKEN, null, 200);
        assertThat(routes).extracting(r -> r.get("name").asText()).containsExactly("sticky", "default");
        assertThat(routes.get(0).get("stickyEntries").asInt()).isEqualTo(1);
        JsonNode sticky = http.json("GET", api("sticky"), READ_TOKEN, null, 200);
        assertThat(sticky.get("total").asInt()).isEqualTo(1);
        assertThat(sticky.get("entries").get(0).get("route").asText()).isEqualTo("web/sticky");
        JsonNode pools = http.json("GET", api("pools"), READ_TOKEN, null, 200);
        assertThat(pools.get(0).get("backendsUp").asInt()).isEqualTo(3);
        assertThat(http.json("GET", api("pools/app/backends/beta"), READ_TOKEN, null, 200).get("name").asText()).isEqualTo("beta");
        assertThat(http.json("GET", api("services"), READ_TOKEN, null, 200).get(0).get("kind").asText()).isEqualTo("http");
        JsonNode status = http.json("GET", api("status"), READ_TOKEN, null, 200);
        assertThat(status.get("configFile").asText()).isEqualTo(file.toString());
        assertThat(status.get("features").get("l4").asBoolean()).isFalse();
        node.events().publish("test.kind", "subject", "a reason", Map.of());
        JsonNode events = http.json("GET", api("events"), READ_TOKEN, null, 200);
        assertThat(events).anySatisfy(e -> assertThat(e.get("kind").asText()).isEqualTo("test.kind"));
        assertThat(http.send("GET", api("connections"), READ_TOKEN, null).statusCode()).isEqualTo(404);
        assertThat(http.send("GET", api("gslb/sites"), READ_TOKEN, null).statusCode()).isEqualTo(404);
        assertThat(http.send("GET", api("nope"), READ_TOKEN, null).statusCode()).isEqualTo(404);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                http.json("GET", api("stats?points=10"), READ_TOKEN, null, 200).get("app/alpha")).isNotEmpty());
    }

    @Test
    void aDrainThroughTheApiMovesTrafficAndNamesWhoDidIt() throws Exception {
        assertThat(Set.copyOf(traffic("a", 6))).containsExactlyInAnyOrder("alpha", "beta", "gamma");
        JsonNode b = http.json("POST", api("pools/app/backends/alpha/drain"), ADMIN_TOKEN, null, 200);
        assertThat(b.get("health").asText()).isIn("draining", "drained");
        int before = backends.getFirst().requests();
        assertThat(Set.copyOf(traffic("b", 12))).containsExactlyInAnyOrder("beta", "gamma");
        assertThat(backends.getFirst().requests()).isEqualTo(before);
        assertThat(node.events().latest(100)).allSatisfy(e -> assertThat(e.toString()).doesNotContain(ADMIN_TOKEN));
        assertThat(node.events().latest(20)).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo("admin.backend.drain");
            assertThat(e.subject()).isEqualTo("app/alpha");
            assertThat(e.actor()).isEqualTo("ops");
        });

        http.json("POST", api("pools/app/backends/alpha/enable"), ADMIN_TOKEN, null, 200);
        assertThat(Set.copyOf(traffic("c", 6))).contains("alpha");
        http.json("PUT", api("pools/app/backends/gamma/weight"), ADMIN_TOKEN, "{\"weight\":0}", 200);
        assertThat(Set.copyOf(traffic("d", 8))).containsExactlyInAnyOrder("alpha", "beta");
        JsonNode gamma = http.json("GET", api("pools/app/backends/gamma"), ADMIN_TOKEN, null, 200);
        assertThat(gamma.get("weight").asInt()).isZero();
        assertThat(gamma.get("weightOrigin").asText()).isEqualTo("operator");
        http.json("PUT", api("pools/app/backends/gamma/weight"), ADMIN_TOKEN, "{\"adaptive\":true}", 200);
        assertThat(node.proxy().backend("app", "gamma").weight()).isEqualTo(1);
        assertThat(http.send("PUT", api("pools/app/backends/gamma/weight"), ADMIN_TOKEN, "{\"weight\":-1}").statusCode())
                .isEqualTo(400);
        assertThat(http.send("POST", api("pools/app/backends/nobody/drain"), ADMIN_TOKEN, null).statusCode()).isEqualTo(404);
    }

    @Test
    void changesSurviveARestartAndAReload() throws Exception {
        try (NamedBackend delta = NamedBackend.start("delta")) {
            http.json("POST", api("pools/app/backends/alpha/drain"), ADMIN_TOKEN, null, 200);
            http.json("PUT", api("pools/app/backends/beta/weight"), ADMIN_TOKEN, "{\"weight\":5}", 200);
            JsonNode added = http.json("POST", api("pools/app/backends"), ADMIN_TOKEN,
                    "{\"name\":\"delta\",\"address\":\"" + delta.address() + "\",\"weight\":2}", 201);
            assertThat(added.get("addedByApi").asBoolean()).isTrue();
            http.send("DELETE", api("pools/app/backends/gamma"), ADMIN_TOKEN, null);
            http.json("PUT", api("listeners/web/routes/sticky/stickiness"), ADMIN_TOKEN,
                    "{\"mode\":\"cookie\",\"timeout\":\"5m\"}", 200);
            http.json("PUT", api("pools/app/importance"), ADMIN_TOKEN, "{\"service\":2,\"host\":0.5}", 200);
            assertThat(dir.resolve("fulcrum-state.json")).exists();

            // The same checks after a reload of the unchanged file, and after a restart.
            http.json("POST", api("reload"), ADMIN_TOKEN, null, 200);
            assertChangesInForce();
            node.close();
            node = TestNode.start(file);
            assertChangesInForce();
            assertThat(Set.copyOf(traffic("again", 12))).doesNotContain("alpha", "gamma").contains("delta");
            assertThat(node.config().listeners().getFirst().routes().getFirst().stickiness().timeout())
                    .isEqualTo(Duration.ofMinutes(5));
            assertThat(node.proxy().runtime().listeners().get("web").routes().getFirst().stickyByCookie()).isTrue();
            assertThat(http.json("GET", api("pools/app/importance"), READ_TOKEN, null, 200).get("service").asDouble())
                    .isEqualTo(2.0);
        }
    }

    private void assertChangesInForce() throws Exception {
        var pool = node.proxy().runtime().pools().get("app");
        assertThat(pool.backends()).extracting(b -> b.name()).containsExactlyInAnyOrder("alpha", "beta", "delta");
        assertThat(pool.backend("alpha").state()).isEqualTo(BackendState.DRAINING);
        assertThat(pool.backend("beta").weight()).isEqualTo(5);
        assertThat(pool.backend("delta").weight()).isEqualTo(2);
        JsonNode beta = http.json("GET", api("pools/app/backends/beta"), READ_TOKEN, null, 200);
        assertThat(beta.get("weightOrigin").asText()).isEqualTo("operator");
    }

    @Test
    void aChangeThatWouldBreakTheConfigurationIsRefusedAndNothingIsWritten() throws Exception {
        HttpResponse<String> r = http.send("POST", api("pools/app/backends"), ADMIN_TOKEN,
                "{\"name\":\"bad\",\"address\":\"not-an-address\"}");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(dir.resolve("fulcrum-state.json")).doesNotExist();
        assertThat(node.proxy().runtime().pools().get("app").backends()).hasSize(3);
        assertThat(http.send("POST", api("pools/app/backends"), ADMIN_TOKEN, "{\"name\":\"alpha\",\"address\":\"127.0.0.1:9\"}")
                .statusCode()).isEqualTo(409);
    }

    @Test
    void theEventStreamSendsEachChangeAsAServerSentEvent() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpRequest req = HttpRequest.newBuilder(api("events/stream")).header("Authorization", "Bearer " + READ_TOKEN).build();
        var future = http.client().sendAsync(req, HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> resp = future.get();
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.headers().firstValue("content-type")).hasValue("text/event-stream");
        Thread reader = Thread.ofVirtual().start(() -> resp.body().forEach(lines::add));
        try {
            http.json("POST", api("pools/app/backends/beta/disable"), ADMIN_TOKEN, null, 200);
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream()
                    .anyMatch(l -> l.startsWith("data: ") && l.contains("admin.backend.disable") && l.contains("\"actor\":\"ops\"")));
            assertThat(lines).anyMatch(l -> l.equals("event: admin.backend.disable"));
        } finally {
            reader.interrupt();
            resp.body().close();
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        var a = node.admin().address();
        try (java.net.Socket socket = new java.net.Socket(a.getAddress(), a.getPort())) {
            socket.setSoTimeout(10_000);
            String auth = "Authorization: Bearer " + READ_TOKEN + "\r\n";
            String two = "GET /api/v1/state HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n"
                    + "GET /api/v1/whoami HTTP/1.1\r\nHost: x\r\n" + auth + "Connection: close\r\n\r\n";
            socket.getOutputStream().write(two.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answers = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(answers.indexOf("\"changes\"")).isPositive().isLessThan(answers.indexOf("\"role\":\"read\""));
        }
    }

    @Test
    void validateChecksAConfigurationWithoutApplyingIt() throws Exception {
        JsonNode bad = http.json("POST", api("config/validate"), READ_TOKEN, "listeners:\n  - name: x\n    bind: nowhere\n", 200);
        assertThat(bad.get("valid").asBoolean()).isFalse();
        assertThat(bad.get("errors")).anySatisfy(e -> {
            assertThat(e.get("path").asText()).isEqualTo("listeners[0].bind");
            assertThat(e.get("line").asInt()).isEqualTo(3);
        });
        JsonNode good = http.json("POST", api("config/validate"), READ_TOKEN, Files.readString(file), 200);
        assertThat(good.get("valid").asBoolean()).isTrue();
    }

    @Test
    void theConnectionTableIsServedFromAnyServiceThatHasOne() throws Exception {
        node.close();
        node = TestNode.start(file, new FakeL4());
        // The service is there on every node; only virtual services in the configuration make L4 a feature.
        assertThat(http.json("GET", api("status"), READ_TOKEN, null, 200).get("features").get("l4").asBoolean()).isFalse();
        node.close();
        Files.writeString(file, Files.readString(file) + """
                virtualServices:
                  - name: vip1
                    vips: [127.0.0.1]
                    listeners:
                      - port: %d
                        pool: app
                """.formatted(io.fulcrum.testsupport.FreePorts.tcp()));
        node = TestNode.start(file, new FakeL4());
        JsonNode c = http.json("GET", api("connections"), READ_TOKEN, null, 200);
        assertThat(c.get("active").asLong()).isEqualTo(2);
        assertThat(c.get("entries").get(0).get("client").asText()).isEqualTo("10.0.0.1:5000");
        assertThat(http.json("GET", api("status"), READ_TOKEN, null, 200).get("features").get("l4").asBoolean()).isTrue();
        Set<String> kinds = new HashSet<>();
        http.json("GET", api("services"), READ_TOKEN, null, 200).forEach(s -> kinds.add(s.get("kind").asText()));
        assertThat(kinds).containsExactlyInAnyOrder("http", "l4");
    }

    /** A connection-table source as the L4 router will provide one (its own module is built elsewhere). */
    static final class FakeL4 implements NodeService, ConnectionTableSource {
        @Override
        public String name() {
            return "l4";
        }

        @Override
        public void start(FulcrumConfig config) {
        }

        @Override
        public void apply(FulcrumConfig config) {
        }

        @Override
        public void close() {
        }

        @Override
        public List<ConnectionEntry> connections(int limit) {
            return List.of(new ConnectionEntry("vip1", "10.0.0.100", 80, "tcp", "10.0.0.1:5000", "p/b1", "ACTIVE", 5, 1, 10, 20));
        }

        @Override
        public List<BackendConnectionCounters> backendCounters() {
            return List.of(new BackendConnectionCounters("vip1", "p", "b1", 2, 0, 7));
        }
    }
}
