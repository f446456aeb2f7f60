package io.fulcrum.app.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.testsupport.EtcdProcess;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three real Fulcrum nodes on one real etcd, one pool of two backends, one of which answers
 * slowly: the elected controller's weights give the slow one the smaller share through every
 * node (counted at the backends), and when the leader is killed another node takes over and
 * publishes.
 */
class ControllerWeightsClusterTest {

    @TempDir
    Path dir;

    @Test
    void aSlowBackendGetsTheSmallerShareOnEveryNodeAndANewLeaderPublishes() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.single();
             CountingBackend fast = new CountingBackend("fast", 0);
             CountingBackend slow = new CountingBackend("slow", 60);
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            List<ClusterNodes.Node> nodes = new ArrayList<>();
            try {
                for (int i = 1; i <= 3; i++) {
                    int proxyPort = FreePorts.tcp("127.0.0.1");
                    int adminPort = FreePorts.tcp("127.0.0.1");
                    nodes.add(ClusterNodes.start(dir, "node" + i, proxyPort, adminPort,
                            config("node" + i, proxyPort, adminPort, etcd.endpoint(), fast, slow)));
                }
                // Load through every node until every node balances by the controller's weights.
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ZERO).until(() -> {
                    load(http, nodes, 30);
                    for (ClusterNodes.Node n : nodes) {
                        if (!slowWeighsLess(http, n)) {
                            return false;
                        }
                    }
                    return true;
                });
                // Counted at the backends: through each node in turn, the slow backend gets fewer requests.
                for (ClusterNodes.Node n : nodes) {
                    fast.takeCount();
                    slow.takeCount();
                    load(http, List.of(n), 60);
                    int f = fast.takeCount();
                    int s = slow.takeCount();
                    assertThat(s).as("requests to the slow backend through %s (fast got %d)", n.name(), f).isLessThan(f);
                }

                String leader = nodes.getFirst().api(http, "cluster/stats").path("leader").asText();
                ClusterNodes.Node dead = nodes.stream().filter(n -> n.name().equals(leader)).findFirst().orElseThrow();
                dead.process().kill();
                List<ClusterNodes.Node> alive = nodes.stream().filter(n -> n != dead).toList();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ZERO).until(() -> {
                    load(http, alive, 10);
                    for (ClusterNodes.Node n : alive) {
                        JsonNode stats = n.api(http, "cluster/stats");
                        String applied = stats.path("applied").path("web").path("leader").asText();
                        if (applied.isEmpty() || applied.equals(leader)) {
                            return false; // not yet a publication of the new leader here
                        }
                    }
                    return true;
                });
                JsonNode after = alive.getFirst().api(http, "cluster/stats");
                assertThat(after.path("leader").asText()).isNotEqualTo(leader);
                assertThat(after.path("applied").path("web").path("leader").asText()).isEqualTo(after.path("leader").asText());
            } finally {
                nodes.forEach(n -> n.process().close());
            }
        }
    }

    /** Whether the node's balancer gives the slow backend a smaller weight, set by the controller. */
    private static boolean slowWeighsLess(HttpClient http, ClusterNodes.Node n) throws Exception {
        JsonNode backends = n.api(http, "pools/web/backends");
        int fastWeight = -1;
        int slowWeight = -1;
        for (JsonNode b : backends.isArray() ? backends : backends.path("backends")) {
            if (!"controller".equals(b.path("weightOrigin").asText())) {
                return false;
            }
            if (b.path("name").asText().equals("fast")) {
                fastWeight = b.path("weight").asInt();
            } else {
                slowWeight = b.path("weight").asInt();
            }
        }
        return fastWeight > 0 && slowWeight >= 0 && slowWeight < fastWeight;
    }

    /** {@code perNode} requests through each node, four at a time; bounded by count. */
    private static void load(HttpClient http, List<ClusterNodes.Node> nodes, int perNode) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (ClusterNodes.Node n : nodes) {
                for (int i = 0; i < perNode; i++) {
                    all.add(pool.submit(() -> http.send(HttpRequest.newBuilder(n.proxy("/")).timeout(Duration.ofSeconds(10))
                            .build(), HttpResponse.BodyHandlers.discarding())));
                }
            }
            for (Future<?> f : all) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    // a request to a node just killed: the load goes on through the others
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String config(String node, int proxyPort, int adminPort, String etcd, CountingBackend fast,
                                 CountingBackend slow) {
        return """
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
                    algorithm: weighted-round-robin
                    backends:
                      - {name: fast, address: "%s", weight: 50}
                      - {name: slow, address: "%s", weight: 50}
                admin:
                  bind: 127.0.0.1:%d
                  tokens:
                    - {name: ops, role: read, token: %s}
                store:
                  etcd:
                    endpoints: ["%s"]
                    prefix: /controller-test
                cluster:
                  nodeId: %s
                  roles: [proxy, controller]
                  leaseTtl: 3s
                controller:
                  enabled: true
                  interval: 500ms
                  leaseTtl: 3s
                  pools:
                    - {name: web, threshold: 5}
                """.formatted(proxyPort, fast.address(), slow.address(), adminPort, ClusterNodes.TOKEN, etcd, node);
    }
}
