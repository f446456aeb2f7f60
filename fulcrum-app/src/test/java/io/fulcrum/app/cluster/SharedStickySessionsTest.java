package io.fulcrum.app.cluster;

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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real Fulcrum processes sharing sticky sessions over the peer channel: a client stuck to a
 * backend through node 1 reaches that backend through node 2; a node started later gets the
 * table in its resync; and after node 1 is killed the others still send the client there. The
 * peers are listed in the configuration (nodes without a cluster), or found through the
 * cluster's membership (no list at all).
 */
class SharedStickySessionsTest {

    @TempDir
    Path dir;

    @Test
    void aClientKeepsItsBackendThroughAnotherNodeAndAfterTheFirstDies() throws Exception {
        try (CountingBackend a = new CountingBackend("a", 0); CountingBackend b = new CountingBackend("b", 0);
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            int[] proxy = {FreePorts.tcp("127.0.0.1"), FreePorts.tcp("127.0.0.1"), FreePorts.tcp("127.0.0.1")};
            int[] admin = {FreePorts.tcp("127.0.0.1"), FreePorts.tcp("127.0.0.1"), FreePorts.tcp("127.0.0.1")};
            int[] peer = {FreePorts.tcp("127.0.0.1"), FreePorts.tcp("127.0.0.1"), FreePorts.tcp("127.0.0.1")};
            List<ClusterNodes.Node> nodes = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    nodes.add(ClusterNodes.start(dir, "node" + (i + 1), proxy[i], admin[i], config(i, proxy, admin, peer, a, b)));
                }
                // Node 1 picks a backend and sets the sticky cookie.
                HttpResponse<String> first = http.send(HttpRequest.newBuilder(nodes.get(0).proxy("/")).build(),
                        HttpResponse.BodyHandlers.ofString());
                String cookie = first.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
                String stuck = first.body();
                assertThat(cookie).startsWith("FULCRUM_STICKY=");
                // Through node 2 (round robin over a and b, were it not for the shared entry): always the same backend.
                await().atMost(Duration.ofSeconds(30)).until(() -> nodes.get(1).api(http, "cluster/stats")
                        .path("stickyEntriesReceived").asLong() >= 1);
                assertThat(bodies(http, nodes.get(1), cookie, 10)).containsOnly(stuck);

                // Node 3 starts later: it gets the entry in the resync of its peers' links.
                nodes.add(ClusterNodes.start(dir, "node3", proxy[2], admin[2], config(2, proxy, admin, peer, a, b)));
                await().atMost(Duration.ofSeconds(30)).until(() -> nodes.get(2).api(http, "cluster/stats")
                        .path("stickyEntriesReceived").asLong() >= 1);
                assertThat(bodies(http, nodes.get(2), cookie, 10)).containsOnly(stuck);

                nodes.get(0).process().kill();
                assertThat(bodies(http, nodes.get(1), cookie, 10)).containsOnly(stuck);
                assertThat(bodies(http, nodes.get(2), cookie, 10)).containsOnly(stuck);
            } finally {
                nodes.forEach(n -> n.process().close());
            }
        }
    }

    @Test
    void clusterMembersFindTheirStickyPeersThroughMembership() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.single();
             CountingBackend a = new CountingBackend("a", 0); CountingBackend b = new CountingBackend("b", 0);
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            int[] proxy = {FreePorts.tcp("127.0.0.1"), FreePorts.tcp("127.0.0.1"), FreePorts.tcp("127.0.0.1")};
            int[] admin = {FreePorts.tcp("127.0.0.1"), FreePorts.tcp("127.0.0.1"), FreePorts.tcp("127.0.0.1")};
            int[] peer = {FreePorts.tcp("127.0.0.1"), FreePorts.tcp("127.0.0.1"), FreePorts.tcp("127.0.0.1")};
            List<ClusterNodes.Node> nodes = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    nodes.add(ClusterNodes.start(dir, "node" + (i + 1), proxy[i], admin[i],
                            memberConfig(i, proxy, admin, peer, a, b, etcd.endpoint())));
                }
                HttpResponse<String> first = http.send(HttpRequest.newBuilder(nodes.get(0).proxy("/")).build(),
                        HttpResponse.BodyHandlers.ofString());
                String cookie = first.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
                String stuck = first.body();
                // Node 2 lists no peer: it learns node 1's sticky address from its registration.
                await().atMost(Duration.ofSeconds(60)).until(() -> nodes.get(1).api(http, "cluster/stats")
                        .path("stickyEntriesReceived").asLong() >= 1);
                assertThat(bodies(http, nodes.get(1), cookie, 10)).containsOnly(stuck);

                // Node 3 joins: the members link to it and send it the whole table.
                nodes.add(ClusterNodes.start(dir, "node3", proxy[2], admin[2],
                        memberConfig(2, proxy, admin, peer, a, b, etcd.endpoint())));
                await().atMost(Duration.ofSeconds(60)).until(() -> nodes.get(2).api(http, "cluster/stats")
                        .path("stickyEntriesReceived").asLong() >= 1);
                assertThat(bodies(http, nodes.get(2), cookie, 10)).containsOnly(stuck);
                String node1Peer = "127.0.0.1:" + peer[0];
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        nodes.get(2).api(http, "cluster/stats").path("stickyPeers").has(node1Peer));

                // Node 1 killed: the client keeps its backend through the others, which drop the link
                // once membership has it failed.
                nodes.get(0).process().kill();
                assertThat(bodies(http, nodes.get(1), cookie, 10)).containsOnly(stuck);
                assertThat(bodies(http, nodes.get(2), cookie, 10)).containsOnly(stuck);
                for (ClusterNodes.Node n : nodes.subList(1, 3)) {
                    await().atMost(Duration.ofSeconds(60)).until(() ->
                            !n.api(http, "cluster/stats").path("stickyPeers").has(node1Peer));
                    assertThat(n.api(http, "cluster/stats").path("stickyPeers").size()).isEqualTo(1);
                }
                assertThat(bodies(http, nodes.get(2), cookie, 10)).containsOnly(stuck);
            } finally {
                nodes.forEach(n -> n.process().close());
            }
        }
    }

    /** A cluster member with the proxy role, sharing sticky sessions with no peer listed. */
    private static String memberConfig(int i, int[] proxy, int[] admin, int[] peer, CountingBackend a,
                                       CountingBackend b, String etcd) {
        return config(i, proxy, admin, peer, a, b).replaceFirst("(?m)^  peers: .*$", "") + """
                cluster:
                  nodeId: node%d
                  roles: [proxy]
                  leaseTtl: 3s
                  etcd: {endpoints: ["%s"], prefix: /sticky-members}
                """.formatted(i + 1, etcd);
    }

    private static List<String> bodies(HttpClient http, ClusterNodes.Node n, String cookie, int count) throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(http.send(HttpRequest.newBuilder(n.proxy("/")).header("Cookie", cookie).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        }
        return out;
    }

    private static String config(int i, int[] proxy, int[] admin, int[] peer, CountingBackend a, CountingBackend b) {
        List<String> others = new ArrayList<>();
        for (int j = 0; j < peer.length; j++) {
            if (j != i) {
                others.add("\"127.0.0.1:" + peer[j] + "\"");
            }
        }
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
                        stickiness: {enabled: true, mode: cookie, timeout: 10m}
                pools:
                  - name: web
                    algorithm: round-robin
                    backends:
                      - {name: a, address: "%s"}
                      - {name: b, address: "%s"}
                admin:
                  bind: 127.0.0.1:%d
                  tokens:
                    - {name: ops, role: read, token: %s}
                stickyPeers:
                  listen: 127.0.0.1:%d
                  peers: [%s]
                """.formatted(proxy[i], a.address(), b.address(), admin[i], ClusterNodes.TOKEN, peer[i],
                String.join(", ", others));
    }
}
