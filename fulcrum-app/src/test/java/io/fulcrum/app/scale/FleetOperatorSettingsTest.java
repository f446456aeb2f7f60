package io.fulcrum.app.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.app.FulcrumCommand;
import io.fulcrum.testsupport.EtcdProcess;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.FulcrumProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's autoscaler settings in a cluster: {@code fulcrum ctl scale} against a node that does
 * not lead (two real Fulcrum nodes on a real etcd, the pool's members started by the {@code exec}
 * provisioner's script) sets the size, pauses and protects for the whole fleet. The leader acts on the
 * size set through the other node; the settings are in the fleet's store, so after the leader is killed
 * the node that takes over is still paused and the member still protected.
 */
class FleetOperatorSettingsTest {

    private static final String TOKEN = "fleet-operator-test-token-0123456789ab";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Node(String name, FulcrumProcess process, int adminPort) {
        String admin() {
            return "http://127.0.0.1:" + adminPort;
        }
    }

    @Test
    void aSizePauseAndProtectionMadeThroughAFollowerHoldForTheLeaderAndTheNextOne() throws Exception {
        Path state = Files.createDirectories(dir.resolve("platform"));
        Path script = dir.resolve("provision.py");
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/scale/provision.py"))) {
            Files.copy(in, script);
        }
        StringBuilder ports = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            ports.append(FreePorts.tcp("127.0.0.1")).append('\n');
        }
        Files.writeString(state.resolve("ports.txt"), ports);
        List<Node> nodes = new ArrayList<>();
        try (EtcdProcess etcd = EtcdProcess.single();
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            try {
                for (int i = 1; i <= 2; i++) {
                    nodes.add(start("node" + i, etcd.endpoint(), script, state));
                }
                await().atMost(Duration.ofSeconds(90)).until(() -> nodes.stream().allMatch(n ->
                        scaledMembers(http, n) == 1));
                await().atMost(Duration.ofSeconds(30)).until(() -> nodes.stream().anyMatch(n ->
                        pool(http, n).path("fleet").path("leads").asBoolean()));
                Node leader = nodes.stream().filter(n -> pool(http, n).path("fleet").path("leads").asBoolean())
                        .findFirst().orElseThrow();
                Node follower = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();

                // The size set through the follower: the leader starts the second member.
                ctl(follower, "scale", "set", "web", "2");
                await().atMost(Duration.ofSeconds(90)).until(() -> nodes.stream().allMatch(n ->
                        scaledMembers(http, n) == 2));
                assertThat(pool(http, leader).path("operatorSize").asInt()).isEqualTo(2);
                assertThat(starts(state)).as("member processes launched by the script").hasSize(2);

                // Pause and protect through the follower: the leader shows both, and etcd keeps them.
                ctl(follower, "scale", "pause", "web");
                String member = firstMember(http, follower);
                ctl(follower, "scale", "protect", "web", member);
                await().atMost(Duration.ofSeconds(20)).until(() -> pool(http, leader).path("paused").asBoolean()
                        && pool(http, leader).path("protected").toString().contains(member));
                JsonNode stored = JSON.readTree(etcd.etcdctl("get", "--print-value-only",
                        "/fleet-operator/scale/operator/web"));
                assertThat(stored.path("paused").asBoolean()).isTrue();
                assertThat(stored.path("size").asInt()).isEqualTo(2);
                assertThat(stored.path("protected").toString()).contains(member);
                assertThat(eventKinds(http, leader)).contains("scale.operator.followed");

                // The leader dies: the follower takes over, still paused and protecting the member.
                leader.process().kill();
                await().atMost(Duration.ofSeconds(60)).until(() -> pool(http, follower).path("fleet").path("leads")
                        .asBoolean());
                JsonNode after = pool(http, follower);
                assertThat(after.path("paused").asBoolean()).isTrue();
                assertThat(after.path("protected").toString()).contains(member);

                // Resume through the new leader: the operator's size is forgotten, in etcd too.
                ctl(follower, "scale", "resume", "web");
                JsonNode resumed = JSON.readTree(etcd.etcdctl("get", "--print-value-only",
                        "/fleet-operator/scale/operator/web"));
                assertThat(resumed.path("paused").asBoolean()).isFalse();
                assertThat(resumed.has("size")).isFalse();
                assertThat(resumed.path("protected").toString()).contains(member);
            } finally {
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
                      target: 1000
                      min: 1
                      max: 3
                      interval: 1s
                      cooldown: 1s
                      stabilization: {up: 0s, down: 10m}
                      startTimeout: 60s
                      heal: {enabled: false}
                    backends: []
                admin:
                  bind: 127.0.0.1:%d
                  tokens:
                    - {name: ops, role: admin, token: %s}
                store:
                  etcd:
                    endpoints: ["%s"]
                    prefix: /fleet-operator
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
        return new Node(name, p, adminPort);
    }

    /** Runs {@code fulcrum ctl} against the node's admin API, as an operator would. */
    private static String ctl(Node n, String... args) {
        CommandLine cmd = FulcrumCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("ctl", "--server", n.admin(), "--token", TOKEN));
        all.addAll(List.of(args));
        int code = cmd.execute(all.toArray(String[]::new));
        assertThat(code).as("ctl %s: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }

    private static JsonNode api(HttpClient http, Node n, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(n.admin() + "/api/v1/" + path))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(path + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static JsonNode pool(HttpClient http, Node n) {
        try {
            return api(http, n, "scale").path("pools").path("web");
        } catch (IOException | InterruptedException e) {
            return JSON.createObjectNode();
        }
    }

    private static int scaledMembers(HttpClient http, Node n) {
        int count = 0;
        for (JsonNode m : pool(http, n).path("members")) {
            if (m.path("provisioned").asBoolean() && !m.path("draining").asBoolean()) {
                count++;
            }
        }
        return count;
    }

    private static String firstMember(HttpClient http, Node n) {
        for (JsonNode m : pool(http, n).path("members")) {
            if (m.path("provisioned").asBoolean()) {
                return m.path("name").asText();
            }
        }
        throw new AssertionError("no member the provisioner started: " + pool(http, n));
    }

    private static List<String> eventKinds(HttpClient http, Node n) throws IOException, InterruptedException {
        JsonNode events = api(http, n, "events?limit=500");
        List<String> kinds = new ArrayList<>();
        (events.isArray() ? events : events.path("events")).forEach(e -> kinds.add(e.path("kind").asText()));
        return kinds;
    }

    private static List<String> starts(Path state) throws IOException {
        Path log = state.resolve("starts.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    /** The member processes the script launched outlive the nodes (they belong to the platform): end them. */
    private static void killMembers(Path state) throws IOException {
        for (String line : starts(state)) {
            long pid = Long.parseLong(line.split(" ")[2]);
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
