package io.fulcrum.app.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.app.scale.ExecScaledFleet.Node;
import io.fulcrum.testsupport.EtcdProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICY = """
                  metric: requestsPerBackend
                  target: 10
                  min: 1
                  max: 2
                  interval: 1s
                  cooldown: 1s
                  stabilization: {up: 0s, down: 10m}
                  startTimeout: 90s
                  heal: {enabled: false}
            """;

    @TempDir
    Path dir;

    @Test
    void theLeaderScalesOnTheFleetsLoadAndANewLeaderContinuesItsStartWithoutStartingTwice() throws Exception {
        List<PacedLoad> loads = new ArrayList<>();
        try (EtcdProcess etcd = EtcdProcess.single();
             ExecScaledFleet fleet = new ExecScaledFleet(dir, etcd.endpoint(), "/fleet-scale", POLICY, 4)) {
            try {
                for (int i = 1; i <= 3; i++) {
                    fleet.start("node" + i);
                }
                List<Node> nodes = fleet.nodes();
                Path state = fleet.state();
                // min 1: the leader starts one member, and every node's pool has it.
                await().atMost(Duration.ofSeconds(90)).until(() -> nodes.stream().allMatch(n ->
                        fleet.scaledMembers(n) == 1));
                assertThat(fleet.starts()).hasSize(1);

                // The next start will hold; load through the three nodes (each at most 9 requests/s).
                Files.createFile(state.resolve("hold"));
                for (Node n : nodes) {
                    loads.add(PacedLoad.start(n.proxy(), 3, 3, Duration.ofSeconds(150), 3_000));
                }
                await().atMost(Duration.ofSeconds(90)).until(() -> holding(state) != null);
                long held = holding(state);
                String leader = fleet.api(nodes.getFirst(), "cluster/leader").path("leader").asText();
                Node dead = byName(nodes, leader);
                JsonNode decision = lastScaleOut(fleet, dead);
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
                await().atMost(Duration.ofSeconds(60)).until(() -> alive.stream().anyMatch(fleet::leads));
                Files.delete(state.resolve("hold"));

                await().atMost(Duration.ofSeconds(90)).until(() -> alive.stream().allMatch(n ->
                        fleet.scaledMembers(n) == 2));
                Node newLeader = alive.stream().filter(fleet::leads).findFirst().orElseThrow();
                await().atMost(Duration.ofSeconds(60)).until(() -> fleet.pool(newLeader).path("action").isNull());
                List<String> started = fleet.starts();
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
            }
        }
    }

    private static JsonNode lastScaleOut(ExecScaledFleet fleet, Node n) throws IOException, InterruptedException {
        JsonNode found = null;
        for (JsonNode e : fleet.events(n)) {
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

    /** The generation of the start the script holds now, or null. */
    private static Long holding(Path state) throws IOException {
        try (Stream<Path> files = Files.list(state)) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.startsWith("holding-"))
                    .map(f -> Long.parseLong(f.substring("holding-".length()))).max(Long::compare).orElse(null);
        }
    }
}
