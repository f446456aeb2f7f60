package io.fulcrum.app.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.app.FulcrumCommand;
import io.fulcrum.testsupport.EtcdProcess;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.FulcrumProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The autoscaler in a cluster: three real Fulcrum nodes on a real etcd, a pool autoscaled through the
 * {@code exec} provisioner (a script whose members are real {@code http.server} processes and whose
 * state every node shares). Each node takes a load no single node could scale on (at most 9 requests/s
 * against a target of 10 per member); only the leader, on the load of the three, grows the pool. Its
 * start is caught mid-way (the script holds), the leader is killed, and the new leader continues that
 * start with the same generation: one member process per generation, counted at the script.
 */
class FleetAutoscaleClusterTest {

    private static final String TOKEN = "fleet-scale-test-token-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Node(String name, FulcrumProcess process, int proxyPort, int adminPort) {
        URI proxy() {
            return URI.create("http://127.0.0.1:" + proxyPort + "/");
        }
    }

    @Test
    void theLeaderScalesOnTheFleetsLoadAndANewLeaderContinuesItsStartWithoutStartingTwice() throws Exception {
        Path state = Files.createDirectories(dir.resolve("platform"));
        Path script = dir.resolve("provision.py");
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/scale/provision.py"))) {
            Files.copy(in, script);
        }
        StringBuilder ports = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            ports.append(FreePorts.tcp("127.0.0.1")).append('\n');
        }
        Files.writeString(state.resolve("ports.txt"), ports);
        List<Node> nodes = new ArrayList<>();
        List<PacedLoad> loads = new ArrayList<>();
        try (EtcdProcess etcd = EtcdProcess.single();
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            try {
                for (int i = 1; i <= 3; i++) {
                    nodes.add(start("node" + i, etcd.endpoint(), script, state));
                }
                // min 1: the leader starts one member, and every node's pool has it.
                await().atMost(Duration.ofSeconds(90)).until(() -> nodes.stream().allMatch(n ->
                        scaledMembers(http, n) == 1));
                assertThat(starts(state)).hasSize(1);

                // The next start will hold; load through the three nodes (each at most 9 requests/s).
                Files.createFile(state.resolve("hold"));
                for (Node n : nodes) {
                    loads.add(PacedLoad.start(n.proxy(), 3, 3, Duration.ofSeconds(150), 3_000));
                }
                await().atMost(Duration.ofSeconds(90)).until(() -> holding(state) != null);
                long held = holding(state);
                String leader = api(http, nodes.getFirst(), "cluster/leader").path("leader").asText();
                Node dead = byName(nodes, leader);
                JsonNode decision = lastScaleOut(http, dead);
                assertThat(decision).as("the leader's scale-out decision").isNotNull();
                assertThat(decision.path("details").path("value").asDouble())
                        .as("the leader's reading: more than any one node's load (at most 9/s)").isGreaterThan(11);
                // The intent names the start before it is made.
                String intent = etcd.etcdctl("get", "--print-value-only", "/fleet-scale/scale/pools/web");
                JsonNode written = JSON.readTree(intent);
                assertThat(written.path("members").toString()).contains("\"state\":\"starting\"")
                        .contains("\"generation\":" + held);

                dead.process().kill();
                loads.get(nodes.indexOf(dead)).close();
                List<Node> alive = nodes.stream().filter(n -> n != dead).toList();
                // A new leader takes over the intent (and asks the script again for the held generation).
                await().atMost(Duration.ofSeconds(60)).until(() -> alive.stream().anyMatch(n ->
                        fleetStatus(http, n).path("leads").asBoolean()));
                Files.delete(state.resolve("hold"));

                await().atMost(Duration.ofSeconds(90)).until(() -> alive.stream().allMatch(n ->
                        scaledMembers(http, n) == 2));
                Node newLeader = alive.stream().filter(n -> fleetStatus(http, n).path("leads").asBoolean())
                        .findFirst().orElseThrow();
                await().atMost(Duration.ofSeconds(60)).until(() -> poolStatus(http, newLeader).path("action").isNull());
                List<String> started = starts(state);
                assertThat(started).as("member processes launched by the script, one per generation").hasSize(2);
                assertThat(started.get(1)).startsWith("web " + held + " ");
                JsonNode after = JSON.readTree(etcd.etcdctl("get", "--print-value-only", "/fleet-scale/scale/pools/web"));
                assertThat(after.path("leader").asText()).isEqualTo(newLeader.name());
                assertThat(after.path("members")).hasSize(2);
                after.path("members").forEach(m -> assertThat(m.path("state").asText()).isEqualTo("up"));
                assertThat(after.path("members").get(1).path("name").asText()).isEqualTo("web-" + held);
            } finally {
                for (PacedLoad l : loads) {
                    l.close();
                }
                nodes.forEach(n -> n.process().close());
                killMembers(state);
            }
        }
    }

    private Node start(String name, String etcd, Path script, Path state) throws IOException {
        int proxyPort = FreePorts.tcp("127.0.0.1");
        int adminPort = FreePorts.tcp("127.0.0.1");
        String yaml = """
                server:
                  shutdownGrace: 200ms
                accessLog:
                  enabled: false
                listeners:
                  - name: web
                    bind: 127.0.0.1:%d
                    routes:
                      - name: all
                        pool: web
                pools:
                  - name: web
                    autoscale:
                      provisioner:
                        exec:
                          command: [python3, "%s", "%s"]
                      metric: requestsPerBackend
                      target: 10
                      min: 1
                      max: 2
                      interval: 1s
                      cooldown: 1s
                      stabilization: {up: 0s, down: 10m}
                      startTimeout: 90s
                      heal: {enabled: false}
                    backends: []
                admin:
                  bind: 127.0.0.1:%d
                  tokens:
                    - {name: ops, role: admin, token: %s}
                store:
                  etcd:
                    endpoints: ["%s"]
                    prefix: /fleet-scale
                cluster:
                  nodeId: %s
                  roles: [proxy, controller]
                  leaseTtl: 3s
                controller:
                  enabled: true
                  interval: 500ms
                  leaseTtl: 3s
                """.formatted(proxyPort, script, state, adminPort, TOKEN, etcd, name);
        Path file = Files.writeString(dir.resolve(name + ".yaml"), yaml);
        FulcrumProcess p = new FulcrumProcess(name, FulcrumCommand.class.getName(), file, List.of()).start();
        p.awaitOutput("listener web on", 1, Duration.ofSeconds(60));
        return new Node(name, p, proxyPort, adminPort);
    }

    private static JsonNode api(HttpClient http, Node n, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + n.adminPort() + "/api/v1/" + path))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(path + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static JsonNode poolStatus(HttpClient http, Node n) {
        try {
            return api(http, n, "scale").path("pools").path("web");
        } catch (IOException | InterruptedException e) {
            return JSON.createObjectNode();
        }
    }

    private static JsonNode fleetStatus(HttpClient http, Node n) {
        return poolStatus(http, n).path("fleet");
    }

    /** Backends of the node's live pool that the scaler put there (in service, not draining). */
    private static int scaledMembers(HttpClient http, Node n) {
        int count = 0;
        for (JsonNode m : poolStatus(http, n).path("members")) {
            if (m.path("provisioned").asBoolean() && !m.path("draining").asBoolean()) {
                count++;
            }
        }
        return count;
    }

    private static JsonNode lastScaleOut(HttpClient http, Node n) throws IOException, InterruptedException {
        JsonNode events = api(http, n, "events?limit=500");
        JsonNode list = events.isArray() ? events : events.path("events");
        JsonNode found = null;
        for (JsonNode e : list) {
            if (e.path("kind").asText().equals("scale.decision") && e.path("details").path("change").asInt() > 0) {
                found = e;
            }
        }
        return found;
    }

    private static Node byName(List<Node> nodes, String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no leader named '" + name + "'"));
    }

    /** The lines of the script's starts log: {@code pool generation pid}, one per member process launched. */
    private static List<String> starts(Path state) throws IOException {
        Path log = state.resolve("starts.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    /** The generation of the start the script holds now, or null. */
    private static Long holding(Path state) throws IOException {
        try (Stream<Path> files = Files.list(state)) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.startsWith("holding-"))
                    .map(f -> Long.parseLong(f.substring("holding-".length()))).max(Long::compare).orElse(null);
        }
    }

    /** The member processes the script launched outlive the nodes (they belong to the platform): end them. */
    private static void killMembers(Path state) throws IOException {
        for (String line : starts(state)) {
            long pid = Long.parseLong(line.split(" ")[2]);
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
