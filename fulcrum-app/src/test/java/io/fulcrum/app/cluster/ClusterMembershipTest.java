package io.fulcrum.app.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.app.cluster.ClusterFixture.Node;
import io.fulcrum.testsupport.EtcdProcess;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.fulcrum.app.cluster.ClusterFixture.dig;
import static io.fulcrum.app.cluster.ClusterFixture.get;
import static io.fulcrum.app.cluster.ClusterFixture.stateOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three real Fulcrum processes in one etcd: each sees the others through membership, one
 * leads; the leader killed with SIGKILL is seen failed by the others, a new leader is
 * elected, and DNS stops answering with it and referring to it; a node stopped cleanly
 * (SIGTERM) is seen removed, not failed. Awaits are bounded well above the lease TTL (the
 * machine is shared): no timing is a pass/fail criterion.
 */
class ClusterMembershipTest {

    private static final Duration WITHIN = Duration.ofSeconds(45);

    @TempDir
    Path dir;
    private EtcdProcess etcd;
    private ClusterFixture cluster;

    @BeforeEach
    void start() throws Exception {
        etcd = EtcdProcess.single();
        cluster = new ClusterFixture(dir, etcd.endpoint());
        cluster.startAll();
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void aKilledLeaderIsFailedAndReplacedAndACleanStopIsRemoved() throws Exception {
        Node first = cluster.nodes.getFirst();
        Awaitility.await().atMost(WITHIN).ignoreExceptions().until(() -> {
            JsonNode view = get(first, "cluster/nodes");
            return "up".equals(stateOf(view, "node1")) && "up".equals(stateOf(view, "node2"))
                    && "up".equals(stateOf(view, "node3")) && !view.path("leader").isNull();
        });
        // Every node answers with the three proxies and refers to the three DNS nodes.
        for (Node n : cluster.nodes) {
            assertThat(dig(n, "app.example.test", "answer"))
                    .containsExactlyInAnyOrder("127.0.10.1", "127.0.10.2", "127.0.10.3");
            assertThat(dig(n, "x.global.example.test", "additional"))
                    .containsExactlyInAnyOrder("127.0.10.1", "127.0.10.2", "127.0.10.3");
        }
        String leaderId = get(first, "cluster/leader").path("leader").asText();
        Node leader = cluster.node(leaderId);
        assertThat(get(leader, "cluster/leader").path("isLeader").asBoolean()).isTrue();
        long oldFencing = get(leader, "cluster/leader").path("fencingRevision").asLong();

        leader.process().kill(); // SIGKILL: no clean leave, its lease must expire

        List<Node> survivors = new ArrayList<>(cluster.nodes);
        survivors.remove(leader);
        AtomicReference<String> newLeader = new AtomicReference<>();
        for (Node n : survivors) {
            Awaitility.await().atMost(WITHIN).ignoreExceptions().until(() -> {
                JsonNode view = get(n, "cluster/nodes");
                JsonNode l = get(n, "cluster/leader");
                if ("failed".equals(stateOf(view, leaderId)) && !l.path("leader").isNull()
                        && !l.path("leader").asText().equals(leaderId)) {
                    newLeader.set(l.path("leader").asText());
                    return true;
                }
                return false;
            });
            // DNS follows: the killed node's VIP is not answered, the killed DNS node not referred to.
            Awaitility.await().atMost(WITHIN).ignoreExceptions().until(() ->
                    dig(n, "app.example.test", "answer").size() == 2
                            && dig(n, "x.global.example.test", "additional").size() == 2);
            assertThat(dig(n, "app.example.test", "answer")).doesNotContain(leader.ip()).hasSize(2);
            assertThat(dig(n, "x.global.example.test", "additional")).doesNotContain(leader.ip());
        }
        Node elected = cluster.node(newLeader.get());
        JsonNode electedView = get(elected, "cluster/leader");
        assertThat(electedView.path("isLeader").asBoolean()).isTrue();
        assertThat(electedView.path("fencingRevision").asLong()).isGreaterThan(oldFencing);
        // Exactly one of the survivors leads.
        assertThat(survivors.stream().filter(n -> {
            try {
                return get(n, "cluster/leader").path("isLeader").asBoolean();
            } catch (Exception e) {
                return false;
            }
        }).count()).isEqualTo(1);

        // A clean stop (SIGTERM) drains and deregisters: removed, not failed.
        Node other = survivors.stream().filter(n -> n != elected).findFirst().orElseThrow();
        Node remaining = elected;
        other.process().stop();
        Awaitility.await().atMost(WITHIN).ignoreExceptions().until(() ->
                "removed".equals(stateOf(get(remaining, "cluster/nodes"), other.id())));
        assertThat(stateOf(get(remaining, "cluster/nodes"), leaderId)).isEqualTo("failed");
        JsonNode events = get(remaining, "events?limit=1000");
        List<String> kinds = new ArrayList<>();
        events.forEach(e -> kinds.add(e.path("kind").asText() + " " + e.path("subject").asText()));
        assertThat(kinds).contains("cluster.node.failed " + leaderId, "cluster.node.draining " + other.id(),
                "cluster.node.removed " + other.id()).doesNotContain("cluster.node.failed " + other.id());
        Awaitility.await().atMost(WITHIN).ignoreExceptions().until(() ->
                dig(remaining, "app.example.test", "answer").equals(List.of(remaining.ip())));
    }
}
