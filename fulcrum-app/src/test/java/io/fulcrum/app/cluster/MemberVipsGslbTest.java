package io.fulcrum.app.cluster;

import com.sun.net.httpserver.HttpServer;
import io.fulcrum.app.cluster.ClusterFixture.Node;
import io.fulcrum.testsupport.EtcdProcess;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.FulcrumProcess;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.fulcrum.app.cluster.ClusterFixture.dig;
import static io.fulcrum.app.cluster.ClusterFixture.get;
import static io.fulcrum.app.cluster.ClusterFixture.stateOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A site whose VIPs are its live proxy members ({@code sites[].memberVips}), over real processes in one
 * real etcd and asked with {@code dig}: a proxy node that was in no configuration of the DNS node is
 * answered once it registers (and serves HTTP at the answered address), and leaves the answers when it
 * leaves the cluster. This is how the GSLB tier follows a proxy tier that grows and shrinks.
 */
class MemberVipsGslbTest {

    private static final Duration WITHIN = Duration.ofSeconds(45);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;
    private EtcdProcess etcd;
    private final List<FulcrumProcess> processes = new ArrayList<>();
    private HttpServer backend;

    @BeforeEach
    void startBackend() throws Exception {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", FreePorts.tcp("127.0.0.1")), 16);
        backend.createContext("/", exchange -> {
            byte[] body = "from the backend".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
    }

    @AfterEach
    void stop() {
        processes.forEach(FulcrumProcess::kill);
        if (etcd != null) {
            etcd.close();
        }
        backend.stop(0);
    }

    @Test
    void aProxyThatRegistersIsAnsweredAndOneThatLeavesIsNot() throws Exception {
        etcd = EtcdProcess.single();
        Node dns = node("dns1", "127.0.20.1", true);
        dns.process().awaitOutput("cluster: registered dns1 as up", 1, Duration.ofSeconds(90));
        Awaitility.await().atMost(WITHIN).ignoreExceptions().until(() ->
                dig(dns, "app.example.test", "answer").equals(List.of("127.0.20.1")));

        Node added = node("proxy2", "127.0.20.2", false);
        added.process().awaitOutput("cluster: registered proxy2 as up", 1, Duration.ofSeconds(90));
        Awaitility.await().atMost(WITHIN).ignoreExceptions().until(() ->
                dig(dns, "app.example.test", "answer").containsAll(List.of("127.0.20.1", "127.0.20.2")));
        // The answered address is the new node's proxy, which serves.
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.20.2:" + added.proxyPort() + "/")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("from the backend");

        added.process().stop(); // SIGTERM: drains and deregisters
        Awaitility.await().atMost(WITHIN).ignoreExceptions().until(() ->
                "removed".equals(stateOf(get(dns, "cluster/nodes"), "proxy2")));
        Awaitility.await().atMost(WITHIN).ignoreExceptions().until(() ->
                dig(dns, "app.example.test", "answer").equals(List.of("127.0.20.1")));
    }

    /** A cluster node on {@code ip}: a proxy to {@link #backend}; with {@code dnsToo} also the DNS node. */
    private Node node(String id, String ip, boolean dnsToo) throws Exception {
        int proxy = FreePorts.tcp(ip);
        int admin = FreePorts.tcp(ip);
        int dnsPort = dnsToo ? FreePorts.tcpAndUdp(ip) : 0;
        String dnsSection = !dnsToo ? "" : """
                dns:
                  listen: ["%1$s:%2$d"]
                  threads: 1
                  zones:
                    - name: example.test
                      soa: {mname: ns1.example.test., rname: hostmaster@example.test, serial: 1}
                      records:
                        - {name: "@", type: NS, value: ns1.example.test.}
                        - {name: ns1, type: A, value: %1$s}
                  gslb:
                    - {name: app.example.test, policy: [weighted], answers: 4, ttl: 1s}
                """.formatted(ip, dnsPort);
        String yaml = """
                server: {eventLoopThreads: 1, site: s1, shutdownGrace: 1s}
                listeners:
                  - name: web
                    bind: "%2$s:%3$d"
                    routes: [{name: all, pool: app}]
                pools:
                  - name: app
                    backends: [{address: "127.0.0.1:%9$d"}]
                sites:
                  - {name: s1, memberVips: true}
                %5$s
                admin:
                  bind: "%2$s:%4$d"
                  tokens: [{name: ops, role: admin, token: %7$s}]
                cluster:
                  nodeId: %1$s
                  roles: [%8$s]
                  leaseTtl: 3s
                  etcd: {endpoints: ["%6$s"], prefix: /fulcrum-test}
                """.formatted(id, ip, proxy, admin, dnsSection, etcd.endpoint(), ClusterFixture.TOKEN,
                dnsToo ? "proxy, dns" : "proxy", backend.getAddress().getPort());
        Path file = dir.resolve(id + ".yaml");
        Files.writeString(file, yaml);
        FulcrumProcess p = new FulcrumProcess(id, "io.fulcrum.app.FulcrumCommand", file, List.of());
        processes.add(p);
        p.start();
        return new Node(id, ip, proxy, dnsPort, admin, p);
    }
}
