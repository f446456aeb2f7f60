package io.fulcrum.app.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.FulcrumProcess;

import java.io.IOException;
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
import java.util.concurrent.TimeUnit;

/**
 * Three Fulcrum nodes (real processes) of one site on 127.0.10.1–3, each a proxy, a DNS
 * node and a controller, registered in one etcd; each answers {@code app.example.test}
 * with the three proxies' VIPs and refers {@code global.example.test} to the three DNS
 * nodes.
 */
final class ClusterFixture {

    static final String TOKEN = "cluster-test-token-0123456789abcdef";
    static final Duration LEASE_TTL = Duration.ofSeconds(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One node: its address, ports and process. */
    record Node(String id, String ip, int proxyPort, int dnsPort, int adminPort, FulcrumProcess process) {
        URI admin(String path) {
            return URI.create("http://" + ip + ":" + adminPort + "/api/v1/" + path);
        }
    }

    final List<Node> nodes = new ArrayList<>();

    ClusterFixture(Path dir, String etcdEndpoint) throws IOException {
        String[] ips = {"127.0.10.1", "127.0.10.2", "127.0.10.3"};
        int[] dnsPorts = new int[3];
        for (int i = 0; i < 3; i++) {
            dnsPorts[i] = FreePorts.tcpAndUdp(ips[i]);
        }
        for (int i = 0; i < 3; i++) {
            String id = "node" + (i + 1);
            int proxy = FreePorts.tcp(ips[i]);
            int admin = FreePorts.tcp(ips[i]);
            Path file = dir.resolve(id + ".yaml");
            Files.writeString(file, config(id, ips, i, proxy, dnsPorts[i], admin, etcdEndpoint));
            FulcrumProcess p = new FulcrumProcess(id, "io.fulcrum.app.FulcrumCommand", file, List.of());
            nodes.add(new Node(id, ips[i], proxy, dnsPorts[i], admin, p));
        }
    }

    static String config(String id, String[] ips, int i, int proxyPort, int dnsPort, int adminPort, String etcd) {
        return """
                server: {eventLoopThreads: 1, site: s1, shutdownGrace: 1s}
                listeners:
                  - name: web
                    bind: "%2$s:%3$d"
                    routes: [{name: all, pool: web}]
                pools:
                  - name: web
                    backends: [{address: "127.0.0.1:9"}]
                sites:
                  - name: s1
                    vips: [127.0.10.1, 127.0.10.2, 127.0.10.3]
                    nodes:
                      - {name: gns1.example.test., address: 127.0.10.1}
                      - {name: gns2.example.test., address: 127.0.10.2}
                      - {name: gns3.example.test., address: 127.0.10.3}
                dns:
                  listen: ["%2$s:%4$d"]
                  threads: 1
                  zones:
                    - name: example.test
                      soa: {mname: ns1.example.test., rname: hostmaster@example.test, serial: 1}
                      records:
                        - {name: "@", type: NS, value: ns1.example.test.}
                        - {name: ns1, type: A, value: 127.0.10.1}
                  gslb:
                    - {name: app.example.test, policy: [weighted], answers: 3, ttl: 5s}
                    - {name: global.example.test, tier: upper, policy: [weighted], answers: 3}
                admin:
                  bind: "%2$s:%5$d"
                  tokens: [{name: ops, role: admin, token: %7$s}]
                cluster:
                  nodeId: %1$s
                  roles: [proxy, dns, controller]
                  leaseTtl: %8$ds
                  etcd: {endpoints: ["%6$s"], prefix: /fulcrum-test}
                """.formatted(id, ips[i], proxyPort, dnsPort, adminPort, etcd, TOKEN, LEASE_TTL.toSeconds());
    }

    void startAll() {
        nodes.forEach(n -> n.process().start());
        for (Node n : nodes) {
            n.process().awaitOutput("cluster: registered " + n.id() + " as up", 1, Duration.ofSeconds(90));
        }
    }

    Node node(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    }

    /** {@code GET /api/v1/<path>} on a node, as JSON. */
    static JsonNode get(Node n, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(n.admin(path)).timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(path + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** A node's state in another node's view, or {@code null} when it does not know it. */
    static String stateOf(JsonNode nodes, String id) {
        for (JsonNode n : nodes.path("nodes")) {
            if (n.path("id").asText().equals(id)) {
                return n.path("state").asText();
            }
        }
        return null;
    }

    /** {@code dig} against a node's DNS server: the answer's (or additional section's) A records. */
    static List<String> dig(Node n, String name, String section) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("dig", "@" + n.ip(), "-p", String.valueOf(n.dnsPort()), name, "A",
                "+norecurse", "+time=2", "+tries=1", "+noall", "+" + section).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("dig failed: " + out);
        }
        List<String> addresses = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 5 && f[3].equals("A")) {
                addresses.add(f[4]);
            }
        }
        return addresses;
    }

    void close() {
        for (Node n : nodes) {
            n.process().kill();
        }
    }
}
