package io.fulcrum.app;

import io.fulcrum.testsupport.Closer;
import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.app.StoreFleet.Node;
import io.fulcrum.testsupport.EtcdProcess;
import io.fulcrum.testsupport.FulcrumProcess;
import io.fulcrum.testsupport.NamedBackend;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.fulcrum.app.StoreFleet.WITHIN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three real Fulcrum processes on one real etcd: an operator's change made through one node's
 * admin API (over HTTP, with its token) is the whole fleet's and an event on every node's event
 * log, a node restarted later still has it, and of two changes made at once through two nodes one
 * loses with 409.
 */
class OperatorChangesFleetTest {

    @TempDir
    Path dir;

    @AutoClose
    final Closer closer = new Closer();
    private StoreFleet fleet;


    private JsonNode backend(Node n, String name) throws IOException, InterruptedException {
        return fleet.read(n, "pools/web/backends/" + name);
    }

    private void awaitState(Node n, String backend, String state) {
        Awaitility.await().atMost(WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> backend(n, backend).path("state").asText().equals(state));
    }

    /** Sends {@code count} requests through these nodes in turn; returns how many got a 200. */
    private int traffic(int count, Node... nodes) throws IOException, InterruptedException {
        int ok = 0;
        for (int i = 0; i < count; i++) {
            if (fleet.get(nodes[i % nodes.length].proxyPort()).startsWith("200 ")) {
                ok++;
            }
        }
        return ok;
    }

    @Test
    void aChangeThroughOneNodeIsTheFleetsShowsOnEveryEventStreamAndOutlivesARestartAndARaceLosesWith409() throws Exception {
        EtcdProcess etcd = closer.add(EtcdProcess.single());
        NamedBackend a = closer.add(NamedBackend.start("a"));
        NamedBackend b = closer.add(NamedBackend.start("b"));
        fleet = closer.add(new StoreFleet(dir, "/ops", List.of(etcd.endpoint())));
        fleet.push(a, b);
        fleet.startAll();
        fleet.awaitAnswering();
        Node[] all = fleet.nodes().toArray(Node[]::new);
        // Before the drain both backends take requests through every node.
        assertThat(traffic(60, all)).isEqualTo(60);
        assertThat(a.requests()).isPositive();

        // Drained through node 1's API: no node sends it anything new.
        List<String> streamed = new java.util.concurrent.CopyOnWriteArrayList<>();
        AutoCloseable stream = closer.add(fleet.eventStream(all[2], streamed));
        HttpResponse<String> drained = fleet.admin(all[0], "POST", "pools/web/backends/a/drain", "{}");
        assertThat(drained.statusCode()).as(drained.body()).isEqualTo(200);
        for (Node n : all) {
            awaitState(n, "a", "draining");
        }
        // Every node's event stream tells of it, with the node it was made through; that node tells it once.
        for (Node n : all) {
            Awaitility.await().atMost(WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> !events(n, "admin.backend.drain", "web/a").isEmpty());
        }
        assertThat(events(all[0], "admin.backend.drain", "web/a")).hasSize(1);
        // Node 3's event stream (server-sent events) carried it as it came.
        Awaitility.await().atMost(WITHIN).pollInterval(Duration.ofMillis(200)).until(() -> streamed.stream()
                .anyMatch(l -> l.startsWith("data:") && l.contains("\"admin.backend.drain\"") && l.contains("web/a")));
        stream.close();
        for (Node n : List.of(all[1], all[2])) {
            JsonNode e = events(n, "admin.backend.drain", "web/a").getFirst();
            assertThat(e.path("actor").asText()).isEqualTo("ops");
            assertThat(e.path("details").path("node").asText()).isEqualTo("node1");
            assertThat(e.path("reason").asText()).contains("drained by the operator");
        }
        int aBefore = a.requests();
        int bBefore = b.requests();
        assertThat(traffic(90, all)).isEqualTo(90);
        assertThat(a.requests()).as("requests to the drained backend").isEqualTo(aBefore);
        assertThat(b.requests() - bBefore).isEqualTo(90);

        // A weight set through node 2 shows on node 3.
        HttpResponse<String> weighted = fleet.admin(all[1], "PUT", "pools/web/backends/b/weight", "{\"weight\": 7}");
        assertThat(weighted.statusCode()).as(weighted.body()).isEqualTo(200);
        Awaitility.await().atMost(WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> backend(all[2], "b").path("weight").asInt() == 7);

        // Node 3 killed and started again: the drain is still in force there.
        FulcrumProcess third = all[2].process();
        third.kill();
        Files.deleteIfExists(dir.resolve("node3-state.json")); // from etcd, not from its own copy
        third.start();
        third.awaitOutput(" running ", 2, WITHIN);
        awaitState(all[2], "a", "draining");
        assertThat(backend(all[2], "b").path("weight").asInt()).isEqualTo(7);
        aBefore = a.requests();
        assertThat(traffic(30, all[2])).isEqualTo(30);
        assertThat(a.requests()).as("requests to the drained backend through the restarted node").isEqualTo(aBefore);

        // Undrained through node 3: every node sends to it again.
        HttpResponse<String> enabled = fleet.admin(all[2], "POST", "pools/web/backends/a/enable", null);
        assertThat(enabled.statusCode()).as(enabled.body()).isEqualTo(200);
        for (Node n : all) {
            awaitState(n, "a", "up");
        }

        // Two weights set at the same moment through two nodes: one wins, the other is answered 409
        // and written nowhere; every node ends with the winner's weight.
        boolean lost = false;
        for (int round = 0; round < 40 && !lost; round++) {
            int w1 = 10 + 2 * round;
            int w2 = 11 + 2 * round;
            List<HttpResponse<String>> answers = race(
                    () -> fleet.admin(all[0], "PUT", "pools/web/backends/b/weight", "{\"weight\": " + w1 + "}"),
                    () -> fleet.admin(all[1], "PUT", "pools/web/backends/b/weight", "{\"weight\": " + w2 + "}"));
            for (HttpResponse<String> r : answers) {
                assertThat(r.statusCode()).as(r.body()).isIn(200, 409);
            }
            int c1 = answers.get(0).statusCode();
            int c2 = answers.get(1).statusCode();
            if (c1 == 409 || c2 == 409) {
                lost = true;
                assertThat(c1 + c2).as("exactly one of the two loses").isEqualTo(609);
                HttpResponse<String> loser = c1 == 409 ? answers.get(0) : answers.get(1);
                assertThat(loser.body()).contains("changed on another node since this one read it")
                        .contains("nothing was written");
                int winner = c1 == 200 ? w1 : w2;
                for (Node n : all) {
                    Awaitility.await().atMost(WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                            .until(() -> backend(n, "b").path("weight").asInt() == winner);
                }
            } else {
                // Both applied one after the other: the fleet agrees on one of them.
                Awaitility.await().atMost(WITHIN).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                        .until(() -> fleet.nodes().stream().map(n -> {
                            try {
                                return backend(n, "b").path("weight").asInt();
                            } catch (Exception e) {
                                return -1;
                            }
                        }).distinct().count() == 1);
            }
        }
        assertThat(lost).as("a 409 in 40 races of two nodes").isTrue();
    }

    private interface Call {
        HttpResponse<String> send() throws Exception;
    }

    /** Sends both calls at the same moment, each from a thread of its own; their answers, in order. */
    private static List<HttpResponse<String>> race(Call first, Call second) throws Exception {
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
            var f1 = pool.submit(() -> {
                start.await();
                return first.send();
            });
            var f2 = pool.submit(() -> {
                start.await();
                return second.send();
            });
            return List.of(f1.get(), f2.get());
        }
    }

    /** The events of this kind and subject on a node's event log ({@code GET /api/v1/events}). */
    private List<JsonNode> events(Node n, String kind, String subject) throws IOException, InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : fleet.read(n, "events?limit=1000")) {
            if (e.path("kind").asText().equals(kind) && e.path("subject").asText().equals(subject)) {
                out.add(e);
            }
        }
        return out;
    }
}
