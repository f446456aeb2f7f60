package io.fulcrum.app.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.app.FulcrumCommand;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.FulcrumProcess;

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

/**
 * The fleet the cluster autoscaling tests share: real Fulcrum nodes on one etcd, each with pool
 * {@code web} autoscaled through the {@code exec} provisioner running {@code /scale/provision.py}, whose
 * state directory (the platform every leader reaches) holds the ports it gives and a line per member
 * process it launched. Closing it stops the nodes and the member processes.
 */
final class ExecScaledFleet implements AutoCloseable {

    static final String TOKEN = "fleet-scale-test-token-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One node: its process and ports. */
    record Node(String name, FulcrumProcess process, int proxyPort, int adminPort) {
        URI proxy() {
            return URI.create("http://127.0.0.1:" + proxyPort + "/");
        }

        String admin() {
            return "http://127.0.0.1:" + adminPort;
        }
    }

    private final Path dir;
    private final String etcd;
    private final String prefix;
    private final String policy;
    private final Path script;
    private final Path state;
    private final List<Node> nodes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param policy the {@code autoscale} fields after the provisioner, indented for the pool
     * @param ports  how many member ports the script may give
     */
    ExecScaledFleet(Path dir, String etcd, String prefix, String policy, int ports) throws IOException {
        this.dir = dir;
        this.etcd = etcd;
        this.prefix = prefix;
        this.policy = policy;
        this.state = Files.createDirectories(dir.resolve("platform"));
        this.script = dir.resolve("provision.py");
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/scale/provision.py"))) {
            Files.copy(in, script);
        }
        StringBuilder free = new StringBuilder();
        for (int i = 0; i < ports; i++) {
            free.append(FreePorts.tcp("127.0.0.1")).append('\n');
        }
        Files.writeString(state.resolve("ports.txt"), free);
    }

    /** The script's state directory. */
    Path state() {
        return state;
    }

    List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** Starts node {@code name} and waits for its listener. */
    Node start(String name) throws IOException {
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
                %s
                    backends: []
                admin:
                  bind: 127.0.0.1:%d
                  tokens:
                    - {name: ops, role: admin, token: %s}
                store:
                  etcd:
                    endpoints: ["%s"]
                    prefix: %s
                cluster:
                  nodeId: %s
                  roles: [proxy, controller]
                  leaseTtl: 3s
                controller:
                  enabled: true
                  interval: 500ms
                  leaseTtl: 3s
                """.formatted(proxyPort, script, state, policy.stripTrailing(), adminPort, TOKEN, etcd, prefix, name);
        Path file = Files.writeString(dir.resolve(name + ".yaml"), yaml);
        FulcrumProcess p = new FulcrumProcess(name, FulcrumCommand.class.getName(), file, List.of()).start();
        Node n = new Node(name, p, proxyPort, adminPort);
        nodes.add(n);
        p.awaitOutput("listener web on", 1, Duration.ofSeconds(60));
        return n;
    }

    /** {@code GET /api/v1/<path>} on the node's admin API. */
    JsonNode api(Node n, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(n.admin() + "/api/v1/" + path))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(path + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** The node's status of pool {@code web} (empty while it does not answer). */
    JsonNode pool(Node n) {
        try {
            return api(n, "scale").path("pools").path("web");
        } catch (IOException | InterruptedException e) {
            return JSON.createObjectNode();
        }
    }

    /** Whether the node leads the pool's scaling now. */
    boolean leads(Node n) {
        return pool(n).path("fleet").path("leads").asBoolean();
    }

    /** Backends of the node's live pool that the scaler put there (in service, not draining). */
    int scaledMembers(Node n) {
        int count = 0;
        for (JsonNode m : pool(n).path("members")) {
            if (m.path("provisioned").asBoolean() && !m.path("draining").asBoolean()) {
                count++;
            }
        }
        return count;
    }

    /** The node's recent events, oldest first. */
    List<JsonNode> events(Node n) throws IOException, InterruptedException {
        JsonNode events = api(n, "events?limit=500");
        List<JsonNode> out = new ArrayList<>();
        (events.isArray() ? events : events.path("events")).forEach(out::add);
        return out;
    }

    /** The lines of the script's starts log: {@code pool generation pid}, one per member process launched. */
    List<String> starts() throws IOException {
        Path log = state.resolve("starts.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    /** Stops the nodes, then the member processes the script launched (they belong to the platform). */
    @Override
    public void close() throws IOException {
        nodes.forEach(n -> n.process().close());
        for (String line : starts()) {
            long pid = Long.parseLong(line.split(" ")[2]);
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        http.close();
    }
}
