package io.fulcrum.app.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.fulcrum.app.cluster.ClusterFixture.Node;
import io.fulcrum.app.scale.PacedLoad;
import io.fulcrum.testsupport.EtcdProcess;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.FulcrumProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.fulcrum.app.cluster.ClusterFixture.dig;
import static io.fulcrum.app.cluster.ClusterFixture.get;
import static io.fulcrum.app.cluster.ClusterFixture.stateOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The proxy tier's autoscaler ({@code cluster.proxyTier.autoscale}) over real processes: a real etcd, a
 * first Fulcrum node {@code edge1} (proxy, DNS with a {@code memberVips} site, controller: the leader), and
 * the {@code exec} provisioner running {@code examples/cluster/provision-proxy.py}, whose members are real Fulcrum
 * nodes ({@code fulcrum run}) on addresses of their own, asked with {@code dig}.
 */
class ProxyTierAutoscaleTest {

    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final String EDGE_IP = "127.0.30.1";
    private static final String NEW_IP = "127.0.30.2";
    /** Out on load, in when it ends (after 3 s of it); the drainTimeout to fill in. */
    private static final String SCALE_OUT_AND_IN = """
                  metric: requestsPerNode
                  target: 5
                  min: 1
                  max: 2
                  interval: 1s
                  cooldown: 1s
                  stabilization: {up: 0s, down: 3s}
                  drainTimeout: %s
            """;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;
    private EtcdProcess etcd;
    private HttpServer backend;
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<FulcrumProcess> processes = new ArrayList<>();
    private final List<PacedLoad> loads = new ArrayList<>();
    private Path state;

    @BeforeEach
    void startBackendAndEtcd() throws Exception {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", FreePorts.tcp("127.0.0.1")), 64);
        backend.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        backend.createContext("/", exchange -> {
            if (exchange.getRequestURI().getPath().equals("/hold")) {
                try {
                    release.await(90, TimeUnit.SECONDS); // a long request: its client connection stays open
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = "from the backend".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
        etcd = EtcdProcess.single();
    }

    @AfterEach
    void stopEverything() throws IOException {
        release.countDown();
        stopLoads();
        processes.forEach(FulcrumProcess::kill);
        if (state != null) {
            for (String line : lines("starts.log")) {
                ProcessHandle.of(Long.parseLong(line.split(" ")[2])).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        if (etcd != null) {
            etcd.close();
        }
        backend.stop(0);
    }

    @Test
    void theLeaderStartsAProxyNodeThatDnsAnswersAndDrainsItThroughDnsBeforeStoppingIt() throws Exception {
        Node edge = edge(SCALE_OUT_AND_IN.formatted("60s"));
        String added = scaleOutOnLoad(edge);
        String status = ctlScaleStatus(edge);
        assertThat(status).contains("proxies").contains(added).contains(NEW_IP + ":").contains("provisioner")
                .contains("edge1");

        // A client holds a connection through the new node: a request the backend answers only when told.
        holdingAConnection(edge, added, held -> {
            // The load ends: the tier is drained back to min, through DNS first.
            stopLoads();
            await().atMost(WITHIN).ignoreExceptions().until(() ->
                    "draining".equals(stateOf(get(edge, "cluster/nodes"), added)));
            await().atMost(WITHIN).ignoreExceptions().until(() ->
                    dig(edge, "app.example.test", "answer").equals(List.of(EDGE_IP)));
            JsonNode draining = event(edge, "scale.proxy.draining");
            assertThat(draining.path("subject").asText()).isEqualTo(added);
            // The leader has seen it draining with the held connection, and waits for it.
            await().atMost(WITHIN).ignoreExceptions().until(() -> member(get(edge, "scale"), added).path("drain")
                    .asText().equals("waiting for 1 client connection(s) to finish"));
            // Still draining and running while the held connection is open: not stopped.
            assertThat(lines("stops.log")).isEmpty();
            assertThat(event(edge, "scale.proxy.drained")).isNull();
            assertThat(running(added)).isTrue();

            release.countDown(); // the held request finishes, through the draining node
            BufferedReader in = new BufferedReader(new InputStreamReader(held.getInputStream(),
                    StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
            String line;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                // headers
            }
            char[] body = new char["from the backend".length()];
            assertThat(in.read(body)).isEqualTo(body.length);
            assertThat(new String(body)).isEqualTo("from the backend");
            assertThat(lines("stops.log")).as("not stopped while the connection is open").isEmpty();
        });
        // The connection closed: the node is stopped, and leaves the cluster.
        await().atMost(WITHIN).until(() -> lines("stops.log").size() == 1);
        assertThat(lines("stops.log").getFirst()).startsWith(added + " ");
        await().atMost(WITHIN).until(() -> !running(added));
        JsonNode drained = event(edge, "scale.proxy.drained");
        assertThat(drained.path("reason").asText()).contains("no client connection left");
        await().atMost(WITHIN).ignoreExceptions().until(() -> event(edge, "scale.proxy.stopped") != null);
        await().atMost(WITHIN).ignoreExceptions().until(() ->
                get(edge, "scale").path("proxyTier").path("intent").isEmpty());
        assertThat(dig(edge, "app.example.test", "answer")).containsExactly(EDGE_IP);
    }

    @Test
    void aNodeWhoseConnectionsOutlastDrainTimeoutIsStoppedAfterIt() throws Exception {
        Node edge = edge(SCALE_OUT_AND_IN.formatted("3s"));
        String added = scaleOutOnLoad(edge);
        holdingAConnection(edge, added, held -> {
            stopLoads();
            // Never released: the node is stopped once drainTimeout has passed, with the connection still open.
            await().atMost(WITHIN).until(() -> lines("stops.log").size() == 1);
            JsonNode drained = event(edge, "scale.proxy.drained");
            assertThat(drained.path("subject").asText()).isEqualTo(added);
            assertThat(drained.path("reason").asText()).contains("drainTimeout").contains("1 client connection");
            await().atMost(WITHIN).until(() -> !running(added));
        });
        await().atMost(WITHIN).ignoreExceptions().until(() -> event(edge, "scale.proxy.stopped") != null);
    }

    @Test
    void aDryRunPublishesTheDecisionAndStartsNothing() throws Exception {
        Node edge = edge("""
                      target: 5
                      max: 3
                      interval: 1s
                      cooldown: 1s
                      dryRun: true
                """);
        loads.add(PacedLoad.start(URI.create("http://" + EDGE_IP + ":" + edge.proxyPort() + "/"), 2, 6,
                Duration.ofSeconds(60), 600));
        await().atMost(WITHIN).ignoreExceptions().until(() -> {
            JsonNode d = event(edge, "scale.decision");
            return d != null && d.path("details").path("change").asInt() > 0;
        });
        JsonNode d = event(edge, "scale.decision");
        assertThat(d.path("subject").asText()).isEqualTo("proxy-tier");
        assertThat(d.path("reason").asText()).startsWith("dry run, nothing done: scale out by 1");
        assertThat(d.path("details").path("metric").asText()).isEqualTo("requestsPerNode");
        assertThat(d.path("details").path("dryRun").asText()).isEqualTo("true");
        JsonNode tier = get(edge, "scale").path("proxyTier");
        assertThat(tier.path("leads").asBoolean()).isTrue();
        assertThat(tier.path("current").asInt()).isEqualTo(1);
        assertThat(tier.path("desired").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(metrics(edge)).contains("fulcrum_proxy_tier_current_size 1.0");
        assertThat(lines("starts.log")).isEmpty();
        assertThat(kinds(edge)).noneMatch(k -> k.startsWith("scale.proxy."));
        assertThat(etcd.etcdctl("get", "--print-value-only", "/proxy-tier/scale/proxies").strip()).isEmpty();
    }

    @Test
    void theTierGrowsToMinAtOnceAndNeverBeyondMax() throws Exception {
        Node edge = edge("""
                      target: 5
                      min: 2
                      max: 2
                      interval: 1s
                      cooldown: 1s
                      stabilization: {up: 0s, down: 0s}
                """);
        // No load at all: below min, one node is started.
        await().atMost(Duration.ofSeconds(90)).until(() -> lines("starts.log").size() == 1);
        await().atMost(WITHIN).ignoreExceptions().until(() -> event(edge, "scale.proxy.registered") != null);
        assertThat(event(edge, "scale.decision").path("reason").asText()).contains("at least min 2");
        // Load asks for more than max: the decision says so and nothing more is started.
        loads.add(PacedLoad.start(URI.create("http://" + EDGE_IP + ":" + edge.proxyPort() + "/"), 2, 10,
                Duration.ofSeconds(60), 1_000));
        await().atMost(WITHIN).ignoreExceptions().until(() ->
                get(edge, "scale").path("proxyTier").path("evaluation").path("recommended").asInt() > 2);
        JsonNode d = get(edge, "scale").path("proxyTier").path("evaluation");
        assertThat(d.path("reason").asText()).contains("at most max 2");
        assertThat(d.path("desired").asInt()).isEqualTo(2);
        assertThat(d.path("change").asInt()).isZero();
        assertThat(lines("starts.log")).hasSize(1);
        assertThat(lines("stops.log")).isEmpty();
        assertThat(kinds(edge)).doesNotContain("scale.proxy.draining");
    }

    @Test
    void aNewLeaderContinuesTheStartItsPredecessorBeganWithoutStartingASecondNode() throws Exception {
        String policy = """
                      target: 5
                      min: 2
                      max: 3
                      interval: 1s
                      cooldown: 1s
                """;
        platform();
        Files.createFile(state.resolve("hold")); // starts wait: the leader is caught mid-start
        Node first = node("edge1", EDGE_IP, true, policy);
        // One proxy node, min 2: the leader starts one, and the script holds it.
        await().atMost(WITHIN).until(() -> !holding().isEmpty());
        long gen = Long.parseLong(holding().getFirst().substring("holding-".length()));
        JsonNode intent = JSON.readTree(etcd.etcdctl("get", "--print-value-only", "/proxy-tier/scale/proxies"));
        assertThat(intent.path("leader").asText()).isEqualTo("edge1");
        assertThat(intent.path("members").toString()).contains("\"state\":\"starting\"")
                .contains("\"generation\":" + gen);

        Node second = node("edge2", "127.0.30.3", true, policy);
        first.process().kill();
        // edge2 leads, reads the intent and asks the held start again, with its generation.
        await().atMost(WITHIN).ignoreExceptions().until(() -> event(second, "scale.proxy.leader.took-over") != null);
        Files.delete(state.resolve("hold"));
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() ->
                event(second, "scale.proxy.registered") != null);
        assertThat(lines("starts.log")).as("nodes launched by the script: one for the generation").hasSize(1);
        assertThat(lines("starts.log").getFirst()).startsWith("proxy-" + gen + " " + gen + " ");
        await().atMost(WITHIN).ignoreExceptions().until(() ->
                java.util.Set.copyOf(dig(second, "app.example.test", "answer")).equals(java.util.Set.of(NEW_IP, "127.0.30.3")));
        JsonNode after = JSON.readTree(etcd.etcdctl("get", "--print-value-only", "/proxy-tier/scale/proxies"));
        assertThat(after.path("leader").asText()).isEqualTo("edge2");
        assertThat(after.path("members")).hasSize(1);
        assertThat(after.path("members").get(0).path("state").asText()).isEqualTo("up");
        assertThat(after.path("members").get(0).path("name").asText()).isEqualTo("proxy-" + gen);
        assertThat(after.path("members").get(0).path("generation").asLong()).isEqualTo(gen);
    }

    @Test
    void anOperatorPausesTheTierThroughAFollowerThenSetsItsSizeThenResumesIt() throws Exception {
        Node edge = edge(SCALE_OUT_AND_IN.formatted("60s"));
        // A follower that is no proxy node (the tier stays at edge1 alone): the operator talks to it.
        Node follower = node("ctl1", "127.0.30.4", "controller", SCALE_OUT_AND_IN.formatted("60s"));
        assertThat(ctl(follower, "scale", "pause", "proxy-tier")).contains("true");
        JsonNode stored = JSON.readTree(etcd.etcdctl("get", "--print-value-only",
                "/proxy-tier/scale/operator/proxy-tier"));
        assertThat(stored.path("paused").asBoolean()).isTrue();
        assertThat(event(follower, "scale.paused").path("subject").asText()).isEqualTo("proxy-tier");
        await().atMost(WITHIN).ignoreExceptions().until(() ->
                get(edge, "scale").path("proxyTier").path("paused").asBoolean());

        // Load that would scale out: the leader's decisions are told held, and nothing is started.
        loads.add(PacedLoad.start(URI.create("http://" + EDGE_IP + ":" + edge.proxyPort() + "/"), 2, 6,
                Duration.ofSeconds(60), 600));
        await().atMost(WITHIN).ignoreExceptions().until(() -> {
            JsonNode d = event(edge, "scale.decision");
            return d != null && d.path("details").path("recommended").asInt() > 1
                    && d.path("details").path("held").asText().startsWith("paused by an operator");
        });
        assertThat(event(edge, "scale.decision").path("details").path("change").asInt()).isZero();
        assertThat(lines("starts.log")).isEmpty();
        assertThat(kinds(edge)).doesNotContain("scale.proxy.starting");
        JsonNode tier = get(edge, "scale").path("proxyTier");
        assertThat(tier.path("current").asInt()).isEqualTo(1);
        assertThat(tier.path("desired").asInt()).isEqualTo(1);
        stopLoads();

        // Set 2, without load: a node is started and registers, and the size is held.
        String set = ctl(follower, "scale", "set", "proxy-tier", "2");
        assertThat(set).contains("proxies");
        stored = JSON.readTree(etcd.etcdctl("get", "--print-value-only", "/proxy-tier/scale/operator/proxy-tier"));
        assertThat(stored.path("paused").asBoolean()).isFalse();
        assertThat(stored.path("size").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(90)).until(() -> lines("starts.log").size() == 1);
        await().atMost(WITHIN).ignoreExceptions().until(() -> event(edge, "scale.proxy.registered") != null);
        await().atMost(WITHIN).ignoreExceptions().until(() ->
                get(edge, "scale").path("proxyTier").path("current").asInt() == 2);
        assertThat(get(edge, "scale").path("proxyTier").path("operatorSize").asInt()).isEqualTo(2);
        assertThat(ctl(edge, "scale", "status")).contains("SET").containsPattern("proxies .*\\b2\\b");
        assertThat(event(edge, "scale.operator.followed").path("reason").asText()).contains("size 2");

        // Resume: the operator's record holds nothing any more, and the tier follows its policy again.
        ctl(follower, "scale", "resume", "proxy-tier");
        stored = JSON.readTree(etcd.etcdctl("get", "--print-value-only", "/proxy-tier/scale/operator/proxy-tier"));
        assertThat(stored.path("paused").asBoolean()).isFalse();
        assertThat(stored.has("size")).isFalse();
        assertThat(event(follower, "scale.resumed").path("subject").asText()).isEqualTo("proxy-tier");
        await().atMost(WITHIN).ignoreExceptions().until(() ->
                get(edge, "scale").path("proxyTier").path("operatorSize").isNull());
    }

    @Test
    void aProtectedNodeIsNotScaledInUntilAnOperatorLiftsItsProtection() throws Exception {
        Node edge = edge(SCALE_OUT_AND_IN.formatted("60s"));
        String added = scaleOutOnLoad(edge);
        // A node the tier did not start: refused as a pool's unknown member is.
        HttpResponse<String> unknown = post(edge, "scale/proxy-tier/members/edge1/protect");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(unknown.body()).contains("edge1");

        ctl(edge, "scale", "protect", "proxy-tier", added);
        JsonNode stored = JSON.readTree(etcd.etcdctl("get", "--print-value-only",
                "/proxy-tier/scale/operator/proxy-tier"));
        assertThat(stored.path("protected").toString()).isEqualTo("[\"" + added + "\"]");
        assertThat(event(edge, "scale.member.protected").path("subject").asText()).isEqualTo("proxy-tier/" + added);
        assertThat(member(get(edge, "scale"), added).path("protected").asBoolean()).isTrue();
        assertThat(ctl(edge, "scale", "status")).contains("PROTECTED").containsPattern(added + " .*\\btrue\\b");

        // The load ends: a scale-in is wanted, and the only node the tier started is protected.
        stopLoads();
        await().atMost(WITHIN).ignoreExceptions().until(() -> event(edge, "scale.proxy.in.none") != null);
        assertThat(event(edge, "scale.proxy.in.none").path("reason").asText()).contains("protected: " + added);
        assertThat(kinds(edge)).doesNotContain("scale.proxy.draining");
        assertThat(lines("stops.log")).isEmpty();
        assertThat(stateOf(get(edge, "cluster/nodes"), added)).isEqualTo("up");
        // A pause keeps the protection (the record holds both).
        ctl(edge, "scale", "pause", "proxy-tier");
        ctl(edge, "scale", "resume", "proxy-tier");
        stored = JSON.readTree(etcd.etcdctl("get", "--print-value-only", "/proxy-tier/scale/operator/proxy-tier"));
        assertThat(stored.path("protected").toString()).isEqualTo("[\"" + added + "\"]");

        // Lifted: the node is drained through DNS and stopped.
        ctl(edge, "scale", "unprotect", "proxy-tier", added);
        assertThat(event(edge, "scale.member.unprotected").path("subject").asText()).isEqualTo("proxy-tier/" + added);
        await().atMost(WITHIN).ignoreExceptions().until(() -> event(edge, "scale.proxy.draining") != null);
        assertThat(event(edge, "scale.proxy.draining").path("subject").asText()).isEqualTo(added);
        await().atMost(WITHIN).until(() -> lines("stops.log").size() == 1);
        assertThat(lines("stops.log").getFirst()).startsWith(added + " ");
    }

    @Test
    void aReloadChangesTheTiersPolicyOnTheRunningLeaderThenRemovesIt() throws Exception {
        Node edge = edge(SCALE_OUT_AND_IN.formatted("60s").replace("max: 2", "max: 1"));
        // Load that asks for more nodes, and max 1: nothing is started.
        loads.add(PacedLoad.start(URI.create("http://" + EDGE_IP + ":" + edge.proxyPort() + "/"), 2, 6,
                Duration.ofSeconds(100), 1_200));
        await().atMost(WITHIN).ignoreExceptions().until(() ->
                get(edge, "scale").path("proxyTier").path("evaluation").path("recommended").asInt() > 1);
        assertThat(get(edge, "scale").path("proxyTier").path("evaluation").path("reason").asText())
                .contains("at most max 1");
        JsonNode firstPoint = get(edge, "scale").path("proxyTier").path("history").get(0);
        assertThat(lines("starts.log")).isEmpty();

        // The file says max 2 now; a reload, and the running scaler takes it: a node is started.
        Path file = dir.resolve("edge1.yaml");
        Files.writeString(file, Files.readString(file).replace("max: 1", "max: 2"));
        HttpResponse<String> reload = post(edge, "reload");
        assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
        await().atMost(WITHIN).ignoreExceptions().until(() -> event(edge, "scale.policy.changed") != null);
        JsonNode changed = event(edge, "scale.policy.changed");
        assertThat(changed.path("subject").asText()).isEqualTo("proxy-tier");
        assertThat(changed.path("details").path("max").asText()).isEqualTo("2");
        JsonNode tier = get(edge, "scale").path("proxyTier");
        assertThat(tier.path("policy").path("max").asInt()).isEqualTo(2);
        assertThat(tier.path("leads").asBoolean()).isTrue();
        assertThat(tier.path("history").get(0)).as("the size history is kept").isEqualTo(firstPoint);
        await().atMost(Duration.ofSeconds(90)).until(() -> lines("starts.log").size() == 1);
        await().atMost(WITHIN).ignoreExceptions().until(() -> event(edge, "scale.proxy.registered") != null);
        assertThat(kinds(edge).stream().filter("scale.proxy.leader.took-over"::equals)).as("the same term").hasSize(1);

        // The policy removed from the file: this node's tier scaler stops, what it started runs on.
        String without = Files.readString(file).replaceAll("(?s)  proxyTier:.*?(?=controller:)", "");
        assertThat(without).doesNotContain("proxyTier");
        Files.writeString(file, without);
        reload = post(edge, "reload");
        assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
        await().atMost(WITHIN).ignoreExceptions().until(() -> get(edge, "scale").path("proxyTier").isMissingNode());
        JsonNode removed = event(edge, "scale.policy.removed");
        assertThat(removed.path("subject").asText()).isEqualTo("proxy-tier");
        String added = lines("starts.log").getFirst().split(" ")[0];
        assertThat(running(added)).isTrue();
        assertThat(lines("stops.log")).isEmpty();
    }

    @Test
    void aNewLeaderCountsDrainTimeoutFromWhenTheDrainBegan() throws Exception {
        String policy = SCALE_OUT_AND_IN.formatted("30s");
        Node edge = edge(policy);
        // A second candidate for leader, no proxy node (the tier stays edge1 and the node it starts).
        Node second = node("edge2", "127.0.30.3", "controller", policy);
        String added = scaleOutOnLoad(edge);
        holdingAConnection(edge, added, held -> {
            stopLoads();
            await().atMost(WITHIN).ignoreExceptions().until(() -> member(get(edge, "scale"), added).path("drain")
                    .asText().equals("waiting for 1 client connection(s) to finish"));
            // The intent records when the drain began.
            JsonNode entry = JSON.readTree(etcd.etcdctl("get", "--print-value-only", "/proxy-tier/scale/proxies"))
                    .path("members").get(0);
            assertThat(entry.path("state").asText()).isEqualTo("draining");
            long began = entry.path("since").asLong();
            assertThat(began).isPositive();

            edge.process().kill(); // the leader, mid-drain
            await().atMost(WITHIN).ignoreExceptions().until(() ->
                    event(second, "scale.proxy.leader.took-over") != null);
            java.time.Instant tookOver = java.time.Instant.parse(event(second, "scale.proxy.leader.took-over")
                    .path("time").asText());
            assertThat(tookOver).as("the new leader took over mid-drain")
                    .isBefore(java.time.Instant.ofEpochMilli(began).plusSeconds(30));

            // The new leader stops it once drainTimeout has passed since the drain began, not since it took over.
            await().atMost(Duration.ofSeconds(90)).until(() -> lines("stops.log").size() == 1);
            JsonNode drained = event(second, "scale.proxy.drained");
            assertThat(drained.path("subject").asText()).isEqualTo(added);
            assertThat(drained.path("reason").asText()).contains("drainTimeout 30 s passed since the drain began at "
                    + java.time.Instant.ofEpochMilli(began)).contains("1 client connection");
            assertThat(drained.path("details").path("drainBegan").asLong()).isEqualTo(began);
            assertThat(java.time.Instant.parse(drained.path("time").asText()))
                    .isAfterOrEqualTo(java.time.Instant.ofEpochMilli(began).plusSeconds(30));
            await().atMost(WITHIN).until(() -> !running(added));
        });
    }

    /** What a test does while a client holds a connection. */
    private interface WhileHeld {
        void run(Socket held) throws Exception;
    }

    /**
     * Runs {@code body} while a client holds a connection through the node the tier started ({@code added}, on
     * the script's first slot): a request the backend answers only once {@link #release} is counted down;
     * {@code body} starts once {@code edge} sees the connection.
     */
    private void holdingAConnection(Node edge, String added, WhileHeld body) throws Exception {
        int port = Integer.parseInt(lines("slots.txt").getFirst().split(" ")[1]);
        try (Socket held = new Socket(NEW_IP, port)) {
            held.setSoTimeout(90_000);
            OutputStream out = held.getOutputStream();
            out.write("GET /hold HTTP/1.1\r\nHost: app.example.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().atMost(WITHIN).ignoreExceptions().until(() ->
                    member(get(edge, "scale"), added).path("clientConnections").asInt() == 1);
            body.run(held);
        }
    }

    /** {@code POST /api/v1/<path>} on a node with the admin token. */
    private static HttpResponse<String> post(Node n, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + n.ip() + ":" + n.adminPort() + "/api/v1/"
                        + path)).header("Authorization", "Bearer " + ClusterFixture.TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private List<String> holding() throws IOException {
        try (var files = Files.list(state)) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("holding-")).sorted().toList();
        }
    }

    /** Load on {@code edge} until the leader started a node and it registered; the node's name. */
    private String scaleOutOnLoad(Node edge) throws Exception {
        // 12 requests/s on the only proxy node, against a target of 5 a node: one more node (max 2).
        loads.add(PacedLoad.start(URI.create("http://" + EDGE_IP + ":" + edge.proxyPort() + "/"), 2, 6,
                Duration.ofSeconds(100), 1_200));
        await().atMost(Duration.ofSeconds(90)).until(() -> lines("starts.log").size() == 1);
        String added = lines("starts.log").getFirst().split(" ")[0];
        await().atMost(WITHIN).ignoreExceptions().until(() ->
                dig(edge, "app.example.test", "answer").containsAll(List.of(EDGE_IP, NEW_IP)));
        // The leader sees it registered on its next round.
        await().atMost(WITHIN).ignoreExceptions().until(() -> event(edge, "scale.proxy.registered") != null);
        assertThat(kinds(edge)).contains("scale.proxy.starting", "scale.proxy.started");
        assertThat(event(edge, "scale.proxy.registered").path("subject").asText()).isEqualTo(added);
        await().atMost(WITHIN).ignoreExceptions().until(() ->
                get(edge, "scale").path("proxyTier").path("current").asInt() == 2);
        return added;
    }

    private void stopLoads() {
        for (PacedLoad l : loads) {
            try {
                l.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- the fleet ---------------------------------------------------------------------------------

    /** Starts {@code edge1} (proxy, DNS, controller) with the tier's policy (the fields after the provisioner). */
    private Node edge(String policy) throws Exception {
        platform();
        Node edge = node("edge1", EDGE_IP, true, policy);
        await().atMost(WITHIN).ignoreExceptions().until(() -> get(edge, "scale").path("proxyTier").path("leads")
                .asBoolean());
        await().atMost(WITHIN).ignoreExceptions().until(() ->
                dig(edge, "app.example.test", "answer").equals(List.of(EDGE_IP)));
        return edge;
    }

    /**
     * The state of {@code examples/cluster/provision-proxy.py} (copied where the nodes' command runs it): its
     * settings (the fleet's etcd, nodes run as this JVM with this class path), the template of a node's
     * configuration and the address pool, one address.
     */
    private void platform() throws IOException {
        state = Files.createDirectories(dir.resolve("platform"));
        Files.copy(Path.of("..", "examples", "cluster", "provision-proxy.py"), dir.resolve("provision-proxy.py"));
        Files.writeString(state.resolve("classpath"), "-cp \"" + System.getProperty("java.class.path")
                .replace("\\", "\\\\") + "\"\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(state.resolve("provision.conf"), """
                PROVISION_ETCD=%s
                PROVISION_ETCD_PREFIX=/proxy-tier
                PROVISION_LEASE_TTL=3s
                PROVISION_ADDRESSES=%s
                PROVISION_FULCRUM='%s' -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
                --enable-native-access=ALL-UNNAMED '@%s' io.fulcrum.app.FulcrumCommand
                """.formatted(etcd.endpoint(), state.resolve("slots.txt"), java, state.resolve("classpath")));
        Files.writeString(state.resolve("slots.txt"), NEW_IP + " " + FreePorts.tcp(NEW_IP) + " "
                + FreePorts.tcp(NEW_IP) + "\n");
        Files.writeString(state.resolve("node.yaml"), """
                server: {eventLoopThreads: 1, site: s1, shutdownGrace: 1s}
                accessLog: {enabled: false}
                listeners:
                  - name: web
                    bind: "${NODE_IP}:${PROXY_PORT}"
                    routes: [{name: all, pool: app}]
                pools:
                  - name: app
                    backends: [{address: "127.0.0.1:%1$d"}]
                sites:
                  - {name: s1, memberVips: true}
                admin:
                  bind: "${NODE_IP}:${ADMIN_PORT}"
                  tokens: [{name: ops, role: admin, token: %2$s}]
                """.formatted(backend.getAddress().getPort(), ClusterFixture.TOKEN));
    }

    /** A node with the tier's policy: a proxy and a controller; with {@code dnsToo} also the DNS node. */
    private Node node(String name, String ip, boolean dnsToo, String policy) throws Exception {
        return node(name, ip, dnsToo, dnsToo ? "proxy, dns, controller" : "proxy, controller", policy);
    }

    /** A node with the tier's policy and these roles (DNS only with {@code dnsToo}). */
    private Node node(String name, String ip, String roles, String policy) throws Exception {
        return node(name, ip, false, roles, policy);
    }

    private Node node(String name, String ip, boolean dnsToo, String roles, String policy) throws Exception {
        int proxy = FreePorts.tcp(ip);
        int admin = FreePorts.tcp(ip);
        int dns = dnsToo ? FreePorts.tcpAndUdp(ip) : 0;
        String dnsSection = !dnsToo ? "" : """
                dns:
                  listen: ["%1$s:%2$d"]
                  threads: 1
                  zones:
                    - name: example.test
                      soa: {mname: ns1.example.test., rname: hostmaster@example.test, serial: 1}
                      records:
                        - {name: "@", type: NS, value: ns1.example.test.}
                        - {name: ns1, type: A, value: %1$s}
                  gslb:
                    - {name: app.example.test, policy: [weighted], answers: 4, ttl: 1s}
                """.formatted(ip, dns);
        String yaml = """
                server: {eventLoopThreads: 1, site: s1, shutdownGrace: 1s}
                accessLog: {enabled: false}
                listeners:
                  - name: web
                    bind: "%1$s:%2$d"
                    routes: [{name: all, pool: app}]
                pools:
                  - name: app
                    backends: [{address: "127.0.0.1:%3$d"}]
                sites:
                  - {name: s1, memberVips: true}
                %4$s
                admin:
                  bind: "%1$s:%5$d"
                  tokens: [{name: ops, role: admin, token: %6$s}]
                cluster:
                  nodeId: %11$s
                  roles: [%12$s]
                  leaseTtl: 3s
                  etcd: {endpoints: ["%7$s"], prefix: /proxy-tier}
                  proxyTier:
                    autoscale:
                      provisioner:
                        exec:
                          command: [python3, "%8$s", "%9$s"]
                %10$s
                controller: {enabled: true, interval: 500ms, leaseTtl: 3s}
                """.formatted(ip, proxy, backend.getAddress().getPort(), dnsSection, admin, ClusterFixture.TOKEN,
                etcd.endpoint(), dir.resolve("provision-proxy.py"), state, policy.stripTrailing(), name, roles);
        Path file = Files.writeString(dir.resolve(name + ".yaml"), yaml);
        FulcrumProcess p = new FulcrumProcess(name, "io.fulcrum.app.FulcrumCommand", file, List.of());
        processes.add(p);
        p.start();
        p.awaitOutput("cluster: registered " + name + " as up", 1, Duration.ofSeconds(90));
        return new Node(name, ip, proxy, dns, admin, p);
    }

    private List<String> lines(String file) throws IOException {
        Path f = state.resolve(file);
        return Files.exists(f) ? Files.readAllLines(f).stream().filter(l -> !l.isBlank()).toList() : List.of();
    }

    /** Whether the process of a node the script started still runs. */
    private boolean running(String node) throws IOException {
        for (String line : lines("starts.log")) {
            String[] f = line.split(" ");
            if (f[0].equals(node)) {
                return ProcessHandle.of(Long.parseLong(f[2])).map(ProcessHandle::isAlive).orElse(false);
            }
        }
        throw new AssertionError("no node " + node + " was started");
    }

    /** The tier's view of one node in {@code GET /api/v1/scale}. */
    private static JsonNode member(JsonNode scale, String node) {
        for (JsonNode m : scale.path("proxyTier").path("members")) {
            if (m.path("node").asText().equals(node)) {
                return m;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static List<JsonNode> events(Node n) throws IOException, InterruptedException {
        JsonNode events = get(n, "events?limit=1000");
        List<JsonNode> out = new ArrayList<>();
        (events.isArray() ? events : events.path("events")).forEach(out::add);
        return out;
    }

    /** The latest event of this kind, or null. */
    private static JsonNode event(Node n, String kind) throws IOException, InterruptedException {
        JsonNode found = null;
        for (JsonNode e : events(n)) {
            if (e.path("kind").asText().equals(kind)
                    && (!kind.equals("scale.decision") || e.path("subject").asText().equals("proxy-tier"))) {
                found = e;
            }
        }
        return found;
    }

    private static List<String> kinds(Node n) throws IOException, InterruptedException {
        return events(n).stream().map(e -> e.path("kind").asText()).toList();
    }

    /** {@code fulcrum ctl scale status} against the node, as an operator would run it. */
    private static String ctlScaleStatus(Node n) {
        return ctl(n, "scale", "status");
    }

    /** {@code fulcrum ctl <args>} against the node, as an operator would run it; its output (it must succeed). */
    private static String ctl(Node n, String... args) {
        picocli.CommandLine cmd = io.fulcrum.app.FulcrumCommand.commandLine();
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        cmd.setOut(new java.io.PrintWriter(out, true));
        cmd.setErr(new java.io.PrintWriter(err, true));
        List<String> line = new ArrayList<>(List.of("ctl", "--server", "http://" + n.ip() + ":" + n.adminPort(),
                "--token", ClusterFixture.TOKEN));
        line.addAll(List.of(args));
        int code = cmd.execute(line.toArray(String[]::new));
        assertThat(code).as("ctl %s: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }

    private static String metrics(Node n) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + n.ip() + ":" + n.adminPort()
                        + "/metrics")).header("Authorization", "Bearer " + ClusterFixture.TOKEN)
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
