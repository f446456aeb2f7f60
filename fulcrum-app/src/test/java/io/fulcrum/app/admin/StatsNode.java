package io.fulcrum.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.admin.AdminService;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.testsupport.ConfigYaml;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.NamedBackend;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real node with real backends for the stats page's tests, and the traffic that gives each
 * column of the table something to count: answers of two status classes, a backend on a closed
 * port that fails its TCP check, connect failures retried on another backend, a sticky session
 * redispatched away from a disabled backend, and requests queued behind a backend at its
 * connection limit. No L4, GSLB, DNS or TLS is configured.
 */
final class StatsNode implements AutoCloseable {

    static final String TOKEN = "stats-test-token-0123456789";
    static final String READ_TOKEN = "stats-read-token-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();

    /** Requests {@link #drive()} sends to each route. */
    static final int DEFAULT_REQUESTS = 12;
    static final int RETRY_REQUESTS = 6;
    static final int QUEUED = 3;

    final NamedBackend alpha;
    final NamedBackend beta;
    final NamedBackend s1;
    final NamedBackend s2;
    final NamedBackend live;
    final NamedBackend held;
    final FulcrumNode node;
    final URI proxy;
    final URI admin;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final Path dir;

    StatsNode() throws Exception {
        alpha = keep(NamedBackend.start("alpha", 200));
        beta = keep(NamedBackend.start("beta", 404));
        s1 = keep(NamedBackend.start("s1", 200));
        s2 = keep(NamedBackend.start("s2", 200));
        live = keep(NamedBackend.start("live", 200));
        held = keep(NamedBackend.start("held", 200));
        int web = FreePorts.tcp();
        String yaml = """
                server:
                  shutdownGrace: 200ms
                accessLog:
                  enabled: false
                listeners:
                  - name: web
                    bind: 127.0.0.1:%d
                    limits: {maxConnections: 500}
                    routes:
                      - {name: sticky, match: {pathPrefix: /sticky}, pool: sticky,
                         stickiness: {enabled: true, mode: cookie, cookieName: FULCRUM_STATS}}
                      - {name: retry, match: {pathPrefix: /retry}, pool: flaky}
                      - {name: slow, match: {pathPrefix: /slow}, pool: slow}
                      - {name: default, pool: app}
                pools:
                  - name: app
                    algorithm: round-robin
                    health:
                      checks:
                        - {type: tcp, interval: 200ms, timeout: 500ms, fall: 1}
                    backends:
                      - {name: alpha, address: "%s"}
                      - {name: beta, address: "%s", weight: 2}
                      - {name: gone, address: "127.0.0.1:%d"}
                  - name: sticky
                    algorithm: round-robin
                    backends:
                      - {name: s1, address: "%s"}
                      - {name: s2, address: "%s"}
                  - name: flaky
                    algorithm: round-robin
                    retries: {attempts: 1, onConnectFailure: true}
                    passiveHealth: {enabled: false}
                    backends:
                      - {name: dead, address: "127.0.0.1:%d"}
                      - {name: live, address: "%s"}
                  - name: slow
                    queue: {size: 10, timeout: 30s}
                    backends:
                      - {name: held, address: "%s", maxConnections: 1}
                """.formatted(web, alpha.address(), beta.address(), FreePorts.tcp(), s1.address(), s2.address(),
                FreePorts.tcp(), live.address(), held.address())
                + ConfigYaml.admin(new ConfigYaml.Token("ops", "admin", TOKEN), new ConfigYaml.Token("viewer", "read", READ_TOKEN));
        // The operator's changes (a disabled backend) go to a state file beside it, in a directory of this node's own.
        dir = Files.createTempDirectory("fulcrum-stats-");
        Path file = dir.resolve("stats.yaml");
        Files.writeString(file, yaml);
        node = FulcrumNode.create(ConfigLoader.load(file), file);
        open.add(node);
        node.start();
        proxy = URI.create("http://127.0.0.1:" + node.boundAddresses().get("web").getPort() + "/");
        admin = URI.create(node.service(AdminService.class).url());
    }

    private NamedBackend keep(NamedBackend b) {
        open.add(b);
        return b;
    }

    /**
     * Sends the traffic (bounded: a few dozen requests) and waits until it has all been answered
     * and the closed-port backend is down.
     */
    void drive() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> "down".equals(backendHealth("app", "gone")));
        for (int i = 0; i < DEFAULT_REQUESTS; i++) {
            send("/item/" + i, null);
        }
        for (int i = 0; i < RETRY_REQUESTS; i++) {
            assertThat(send("/retry/" + i, null).statusCode()).isEqualTo(200);
        }
        // A sticky session, then its backend disabled: the next request with the cookie is redispatched.
        HttpResponse<String> first = send("/sticky", null);
        String cookie = first.headers().firstValue("set-cookie")
                .orElseThrow(() -> new AssertionError("no session cookie: " + first.statusCode() + " " + first.body()))
                .split(";")[0];
        String bound = first.body();
        assertThat(send("/sticky", cookie).body()).isEqualTo(bound);
        assertThat(api("POST", "pools/sticky/backends/" + bound + "/disable").statusCode()).isEqualTo(200);
        assertThat(send("/sticky", cookie).body()).isNotEqualTo(bound);
        // Requests queued behind the one held at its backend's connection limit.
        HeldQueue.queueBehind(held, http, proxy, "/slow/", node, "slow", QUEUED);
        await().atMost(Duration.ofSeconds(10)).until(() -> node.proxy().listenerSlot("web").counters().requests()
                == DEFAULT_REQUESTS + RETRY_REQUESTS + 3 + QUEUED + 1);
    }

    /** The name of the sticky backend {@link #drive()} disabled. */
    String disabledStickyBackend() throws Exception {
        for (JsonNode b : apiJson("backends")) {
            if (b.get("pool").asText().equals("sticky") && b.get("health").asText().equals("disabled")) {
                return b.get("name").asText();
            }
        }
        throw new AssertionError("no disabled sticky backend");
    }

    HttpResponse<String> send(String path, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(proxy.resolve(path)).timeout(Duration.ofSeconds(20));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> api(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(admin.resolve("api/v1/" + path)).header("Authorization", "Bearer " + TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode apiJson(String path) throws Exception {
        HttpResponse<String> r = api("GET", path);
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private String backendHealth(String pool, String name) throws Exception {
        return apiJson("pools/" + pool + "/backends/" + name).get("health").asText();
    }

    /** The rows of {@code GET /api/v1/stats/table}, by {@code kind/pool/name}. */
    Map<String, JsonNode> tableRows(JsonNode table) {
        Map<String, JsonNode> rows = new HashMap<>();
        for (JsonNode r : table.get("rows")) {
            rows.put(rowKey(r.get("kind").asText(), r.get("pool").asText(""), r.get("name").asText()), r);
        }
        return rows;
    }

    static String rowKey(String kind, String pool, String name) {
        return kind + "/" + pool + "/" + name;
    }

    @Override
    public void close() throws Exception {
        http.close();
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
