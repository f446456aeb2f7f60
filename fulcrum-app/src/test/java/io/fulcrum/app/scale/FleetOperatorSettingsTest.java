package io.fulcrum.app.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.app.FulcrumCommand;
import io.fulcrum.app.scale.ExecScaledFleet.Node;
import io.fulcrum.testsupport.EtcdProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICY = """
                  metric: requestsPerBackend
                  target: 1000
                  min: 1
                  max: 3
                  interval: 1s
                  cooldown: 1s
                  stabilization: {up: 0s, down: 10m}
                  startTimeout: 60s
                  heal: {enabled: false}
            """;

    @TempDir
    Path dir;

    @Test
    void aSizePauseAndProtectionMadeThroughAFollowerHoldForTheLeaderAndTheNextOne() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.single();
             ExecScaledFleet fleet = new ExecScaledFleet(dir, etcd.endpoint(), "/fleet-operator", POLICY, 3)) {
            fleet.start("node1");
            fleet.start("node2");
            List<Node> nodes = fleet.nodes();
            await().atMost(Duration.ofSeconds(90)).until(() -> nodes.stream().allMatch(n -> fleet.scaledMembers(n) == 1));
            await().atMost(Duration.ofSeconds(30)).until(() -> nodes.stream().anyMatch(fleet::leads));
            Node leader = nodes.stream().filter(fleet::leads).findFirst().orElseThrow();
            Node follower = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();

            // The size set through the follower: the leader starts the second member.
            ctl(follower, "scale", "set", "web", "2");
            await().atMost(Duration.ofSeconds(90)).until(() -> nodes.stream().allMatch(n -> fleet.scaledMembers(n) == 2));
            assertThat(fleet.pool(leader).path("operatorSize").asInt()).isEqualTo(2);
            assertThat(fleet.starts()).as("member processes launched by the script").hasSize(2);

            // Pause and protect through the follower: the leader shows both, and etcd keeps them.
            ctl(follower, "scale", "pause", "web");
            String member = firstMember(fleet, follower);
            ctl(follower, "scale", "protect", "web", member);
            await().atMost(Duration.ofSeconds(20)).until(() -> fleet.pool(leader).path("paused").asBoolean()
                    && fleet.pool(leader).path("protected").toString().contains(member));
            JsonNode stored = JSON.readTree(etcd.etcdctl("get", "--print-value-only", "/fleet-operator/scale/operator/web"));
            assertThat(stored.path("paused").asBoolean()).isTrue();
            assertThat(stored.path("size").asInt()).isEqualTo(2);
            assertThat(stored.path("protected").toString()).contains(member);
            assertThat(fleet.events(leader)).extracting(e -> e.path("kind").asText())
                    .contains("scale.operator.followed");

            // The leader dies: the follower takes over, still paused and protecting the member.
            leader.process().kill();
            await().atMost(Duration.ofSeconds(60)).until(() -> fleet.leads(follower));
            JsonNode after = fleet.pool(follower);
            assertThat(after.path("paused").asBoolean()).isTrue();
            assertThat(after.path("protected").toString()).contains(member);

            // Resume through the new leader: the operator's size is forgotten, in etcd too.
            ctl(follower, "scale", "resume", "web");
            JsonNode resumed = JSON.readTree(etcd.etcdctl("get", "--print-value-only", "/fleet-operator/scale/operator/web"));
            assertThat(resumed.path("paused").asBoolean()).isFalse();
            assertThat(resumed.has("size")).isFalse();
            assertThat(resumed.path("protected").toString()).contains(member);
        }
    }

    /** Runs {@code fulcrum ctl} against the node's admin API, as an operator would. */
    private static String ctl(Node n, String... args) {
        CommandLine cmd = FulcrumCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("ctl", "--server", n.admin(), "--token", ExecScaledFleet.TOKEN));
        all.addAll(List.of(args));
        int code = cmd.execute(all.toArray(String[]::new));
        assertThat(code).as("ctl %s: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }

    private static String firstMember(ExecScaledFleet fleet, Node n) {
        for (JsonNode m : fleet.pool(n).path("members")) {
            if (m.path("provisioned").asBoolean()) {
                return m.path("name").asText();
            }
        }
        throw new AssertionError("no member the provisioner started: " + fleet.pool(n));
    }
}
