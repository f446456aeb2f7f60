package io.fulcrum.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.admin.AdminService;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendListener;
import io.fulcrum.testsupport.ConfigYaml;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.NamedBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * requirements 2.3 item 6, through the operator's real path (the admin API over HTTP, on a
 * real node with real backends): a failed backend stops at once and loses its sticky
 * sessions (and {@link BackendListener#backendFailed} listeners such as the L4 router are
 * told); a drained one finishes its requests in flight, keeps its sessions, optionally takes new ones until a deadline, is
 * reported when empty, stays drained over a reload and ends with {@code enable}.
 */
class FailedVersusDrainedTest {

    private static final String TOKEN = "failed-drained-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private NamedBackend a;
    private NamedBackend b;
    private FulcrumNode node;
    private int port;
    private URI admin;

    @BeforeEach
    void backends() throws Exception {
        a = NamedBackend.start("a");
        b = NamedBackend.start("b");
    }

    @AfterEach
    void close() {
        if (node != null) {
            node.close();
        }
        a.close();
        b.close();
        http.close();
    }

    /** Starts the node: listener {@code web} with a cookie-sticky route (or none) to pool {@code app} of a and b. */
    private void start(boolean sticky) throws Exception {
        port = FreePorts.tcp();
        String stickiness = sticky ? """
                        stickiness:
                          enabled: true
                          mode: cookie
                          timeout: 2s
                """ : "";
        // Expired sessions are purged every 200 ms (not the default 10 s), so a drained backend empties soon.
        Path file = Files.writeString(dir.resolve("fulcrum.yaml"), """
                server:
                  shutdownGrace: 200ms
                  stickyPurgeInterval: 200ms
                accessLog:
                  enabled: false
                listeners:
                  - name: web
                    bind: 127.0.0.1:%d
                    routes:
                      - name: all
                        pool: app
                %spools:
                  - name: app
                    backends:
                      - name: a
                        address: %s
                      - name: b
                        address: %s
                """.formatted(port, stickiness, a.address(), b.address())
                + ConfigYaml.admin(new ConfigYaml.Token("ops", "admin", TOKEN)));
        node = FulcrumNode.create(ConfigLoader.load(file), file);
        node.start();
        admin = URI.create(node.service(AdminService.class).url());
    }

    @Test
    void aFailedBackendStopsAtOnceAndLosesItsSessions() throws Exception {
        start(true);
        List<String> failed = new CopyOnWriteArrayList<>();
        node.proxy().backend("app", "b").addListener(new BackendListener() {
            @Override
            public void backendChanged(Backend backend) {
            }

            @Override
            public void backendFailed(Backend backend) {
                failed.add(backend.name());
            }
        });
        String cookie = sessionOn("b");
        assertThat(backendView("b").get("stickySessions").asInt()).isEqualTo(1);

        JsonNode after = call("POST", "pools/app/backends/b/fail", "{\"reason\":\"host lost\"}");
        assertThat(after.get("state").asText()).isEqualTo("down");
        assertThat(after.get("stickySessions").asInt()).as("purged at once").isZero();
        assertThat(failed).containsExactly("b");
        assertThat(get(cookie).body()).isEqualTo("a");
        assertThat(events("admin.backend.fail", "app/b")).singleElement()
                .satisfies(e -> assertThat(e.get("actor").asText()).isEqualTo("ops"));
    }

    @Test
    void aDrainedBackendFinishesItsRequestsKeepsItsSessionsAndIsReportedWhenEmpty() throws Exception {
        start(true);
        String cookie = sessionOn("b");
        // A request of b's session is in flight when the drain comes.
        b.hold();
        int before = b.requests();
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return get(cookie);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> b.requests() > before);

        JsonNode after = call("POST", "pools/app/backends/b/drain", null);
        assertThat(after.get("state").asText()).isEqualTo("draining");
        assertThat(after.get("activeRequests").asInt()).isEqualTo(1);
        b.release();
        HttpResponse<String> finished = inFlight.get(10, TimeUnit.SECONDS);
        assertThat(finished.statusCode()).isEqualTo(200);
        assertThat(finished.body()).isEqualTo("b");
        // Its session goes on; new sessions go elsewhere.
        assertThat(get(cookie).body()).isEqualTo("b");
        for (int i = 0; i < 6; i++) {
            assertThat(get(null).body()).isEqualTo("a");
        }
        assertThat(backendView("b").get("stickySessions").asInt()).isEqualTo(1);
        // Once the session expires (2 s without use) it is empty and reported.
        await().atMost(Duration.ofSeconds(10)).until(() ->
                backendView("b").get("drained").asBoolean() && !events("backend.drained", "app/b").isEmpty());
        assertThat(events("backend.drained", "app/b")).hasSize(1);
        assertThat(events("backend.draining", "app/b")).hasSize(1);
        assertThat(events("admin.backend.drain", "app/b")).singleElement()
                .satisfies(e -> assertThat(e.get("actor").asText()).isEqualTo("ops"));
    }

    @Test
    void aDrainWithADeadlineTakesNewFlowsUntilThenAndHoldsOverAReload() throws Exception {
        start(false);
        call("POST", "pools/app/backends/b/drain", "{\"until\":\"2s\"}");
        assertThat(events("admin.backend.drain", "app/b")).singleElement()
                .satisfies(e -> assertThat(e.get("details").has("until")).isTrue());
        if (backendView("b").get("state").asText().equals("up")) {
            assertThat(spread(4)).containsKey("b");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> backendView("b").get("state").asText().equals("draining"));
        assertThat(spread(6)).containsOnlyKeys("a");
        // The operator's drain survives a reload of the configuration file.
        call("POST", "reload", null);
        assertThat(backendView("b").get("state").asText()).isEqualTo("draining");
        assertThat(spread(6)).containsOnlyKeys("a");
        // Enable ends it: the configured state applies again.
        assertThat(call("POST", "pools/app/backends/b/enable", null).get("state").asText()).isEqualTo("up");
        assertThat(spread(6)).containsKey("b");
    }

    /** A session cookie bound to {@code want} (new sessions until one lands there). */
    private String sessionOn(String want) throws Exception {
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = get(null);
            if (r.body().equals(want)) {
                return r.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
            }
        }
        throw new AssertionError("no session landed on " + want);
    }

    /** GET / through the listener, with this Cookie header ({@code null}: none). */
    private HttpResponse<String> get(String cookie) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(5));
        if (cookie != null) {
            r.header("Cookie", cookie);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends {@code n} requests and counts answers per backend name. */
    private Map<String, Integer> spread(int n) throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(get(null).body(), 1, Integer::sum);
        }
        return counts;
    }

    /** An admin API call with the operator's token; asserts 200 and gives the JSON body. */
    private JsonNode call(String method, String path, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(admin.resolve("api/v1/" + path))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10));
        if (body != null) {
            r.header("Content-Type", "application/json");
        }
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> answer = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("%s %s: %s", method, path, answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private JsonNode backendView(String backend) throws Exception {
        return call("GET", "pools/app/backends/" + backend, null);
    }

    /** The node's events of this kind about this subject, as the API lists them. */
    private List<JsonNode> events(String kind, String subject) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : call("GET", "events?limit=10000", null)) {
            if (e.get("kind").asText().equals(kind) && e.get("subject").asText().equals(subject)) {
                out.add(e);
            }
        }
        return out;
    }
}
