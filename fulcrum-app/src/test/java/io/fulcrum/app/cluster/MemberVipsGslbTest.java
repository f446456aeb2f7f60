package io.fulcrum.app.cluster;

import com.sun.net.httpserver.HttpServer;
import io.fulcrum.app.cluster.ClusterFixture.Node;
import io.fulcrum.testsupport.EtcdProcess;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.FulcrumProcess;
import io.fulcrum.testsupport.RawHttp;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
 * answered once it registers (and serves HTTP at the answered address). Stopped with SIGTERM it drains
 * through DNS first: it is {@code draining} and no longer answered, and still serves the connection a
 * client holds; only when that connection ends does it deregister and exit. This is how the GSLB tier
 * follows a proxy tier that grows and shrinks.
 */
class MemberVipsGslbTest {

    private static final Duration WITHIN = Duration.ofSeconds(45);

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
        // The answered address is the new node's proxy, which serves; the client keeps its connection.
        RawHttp held = new RawHttp(new InetSocketAddress("127.0.20.2", added.proxyPort()));
        held.soTimeout(10_000);
        RawHttp.Response r = held.request("GET", "/", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("from the backend");

        // SIGTERM: the node registers draining, DNS stops answering with it, and it keeps serving the
        // connection it has until that connection ends (well before its drainTimeout of 40 s).
        ProcessHandle.of(added.process().pid()).orElseThrow().destroy();
        Awaitility.await().atMost(WITHIN).ignoreExceptions().until(() ->
                "draining".equals(stateOf(get(dns, "cluster/nodes"), "proxy2")));
        Awaitility.await().atMost(WITHIN).ignoreExceptions().until(() ->
                dig(dns, "app.example.test", "answer").equals(List.of("127.0.20.1")));
        RawHttp.Response during = held.request("GET", "/", null);
        assertThat(during.status()).isEqualTo(200);
        assertThat(during.body()).isEqualTo("from the backend");
        assertThat(stateOf(get(dns, "cluster/nodes"), "proxy2")).isEqualTo("draining");
        assertThat(added.process().isRunning()).isTrue();

        held.close(); // the last connection ends: the node deregisters and stops
        Awaitility.await().atMost(WITHIN).ignoreExceptions().until(() ->
                "removed".equals(stateOf(get(dns, "cluster/nodes"), "proxy2")));
        added.process().awaitOutput("cluster: drained: no client connection left", 1, WITHIN);
        added.process().stop();
        assertThat(dig(dns, "app.example.test", "answer")).containsExactly("127.0.20.1");
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
                  drainTimeout: 40s
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
