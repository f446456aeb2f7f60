package io.fulcrum.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.testsupport.EtcdProcess;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.FulcrumProcess;
import io.fulcrum.testsupport.NamedBackend;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three real Fulcrum processes on one real etcd: an operator's change made through one node's
 * admin API (over HTTP, with its token) is the whole fleet's, and a node restarted later still
 * has it.
 */
class OperatorChangesFleetTest {

    private static final Duration WITHIN = Duration.ofSeconds(180);
    private static final String PREFIX = "/ops";
    private static final String TOKEN = "operator-fleet-token-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        toClose.add(c);
        return c;
    }

    /** A node's bootstrap: identity, its own listener and admin API, its state file, and where etcd is. */
    private Path bootstrap(String node, int port, int admin, EtcdProcess etcd) throws IOException {
        Path file = dir.resolve(node + ".yaml");
        Files.writeString(file, """
                server: {host: %s, shutdownGrace: 1s}
                listeners:
                  - name: public
                    bind: "127.0.0.1:%d"
                    routes: [{name: all, pool: web}]
                admin:
                  bind: "127.0.0.1:%d"
                  stateFile: %s-state.json
                  tokens:
                    - {name: ops, role: admin, token: %s}
                store:
                  etcd:
                    endpoints: ["%s"]
                    prefix: %s
                    connectTimeout: 1s
                    requestTimeout: 5s
                    retryMaxDelay: 500ms
                    snapshotFile: %s-snapshot.yaml
                """.formatted(node, port, admin, node, TOKEN, etcd.endpoint(), PREFIX, node));
        return file;
    }

    private void push(EtcdProcess etcd, NamedBackend a, NamedBackend b) throws IOException {
        Path file = Files.writeString(dir.resolve("fleet.yaml"), """
                listeners:
                  - name: public
                    bind: "127.0.0.1:%d"
                    routes: [{name: all, pool: web}]
                pools:
                  - name: web
                    backends:
                      - {name: %s, address: "%s"}
                      - {name: %s, address: "%s"}
                """.formatted(FreePorts.tcp(), a.name(), a.address(), b.name(), b.address()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(ConfigStoreFleetTest.ctl(etcd, PREFIX, out, err, "push", file.toString())).as(err.toString()).isZero();
    }

    private HttpResponse<String> admin(int port, String method, String path, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/" + path))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10));
        r = body == null ? r.method(method, HttpRequest.BodyPublishers.noBody())
                : r.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode backend(int adminPort, String name) throws IOException, InterruptedException {
        HttpResponse<String> r = admin(adminPort, "GET", "pools/web/backends/" + name, null);
        if (r.statusCode() != 200) {
            throw new IOException(r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private void awaitState(int adminPort, String backend, String state) {
        Awaitility.await().atMost(WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> backend(adminPort, backend).path("state").asText().equals(state));
    }

    private String get(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    /** Sends {@code count} requests through these proxy ports in turn; returns how many got a 200. */
    private int traffic(int count, int... ports) throws IOException, InterruptedException {
        int ok = 0;
        for (int i = 0; i < count; i++) {
            if (get(ports[i % ports.length]).startsWith("200 ")) {
                ok++;
            }
        }
        return ok;
    }

    @Test
    void aChangeThroughOneNodeIsTheFleetsAndOutlivesARestart() throws Exception {
        EtcdProcess etcd = closing(EtcdProcess.single());
        NamedBackend a = closing(NamedBackend.start("a"));
        NamedBackend b = closing(NamedBackend.start("b"));
        push(etcd, a, b);
        int[] proxy = {FreePorts.tcp(), FreePorts.tcp(), FreePorts.tcp()};
        int[] adminPort = {FreePorts.tcp(), FreePorts.tcp(), FreePorts.tcp()};
        List<FulcrumProcess> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nodes.add(closing(new FulcrumProcess("node" + (i + 1), FulcrumCommand.class.getName(),
                    bootstrap("node" + (i + 1), proxy[i], adminPort[i], etcd), List.of())).start());
        }
        for (FulcrumProcess node : nodes) {
            node.awaitOutput(" running ", 1, WITHIN);
        }
        for (int i = 0; i < 3; i++) {
            int port = proxy[i];
            Awaitility.await().atMost(WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> get(port).startsWith("200 "));
        }
        // Before the drain both backends take requests through every node.
        assertThat(traffic(60, proxy)).isEqualTo(60);
        assertThat(a.requests()).isPositive();

        // Drained through node 1's API: no node sends it anything new.
        HttpResponse<String> drained = admin(adminPort[0], "POST", "pools/web/backends/a/drain", "{}");
        assertThat(drained.statusCode()).as(drained.body()).isEqualTo(200);
        for (int port : adminPort) {
            awaitState(port, "a", "draining");
        }
        int aBefore = a.requests();
        int bBefore = b.requests();
        assertThat(traffic(90, proxy)).isEqualTo(90);
        assertThat(a.requests()).as("requests to the drained backend").isEqualTo(aBefore);
        assertThat(b.requests() - bBefore).isEqualTo(90);

        // A weight set through node 2 shows on node 3.
        HttpResponse<String> weighted = admin(adminPort[1], "PUT", "pools/web/backends/b/weight", "{\"weight\": 7}");
        assertThat(weighted.statusCode()).as(weighted.body()).isEqualTo(200);
        Awaitility.await().atMost(WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> backend(adminPort[2], "b").path("weight").asInt() == 7);

        // Node 3 killed and started again: the drain is still in force there.
        FulcrumProcess third = nodes.get(2);
        third.kill();
        Files.deleteIfExists(dir.resolve("node3-state.json")); // from etcd, not from its own copy
        third.start();
        third.awaitOutput(" running ", 2, WITHIN);
        awaitState(adminPort[2], "a", "draining");
        assertThat(backend(adminPort[2], "b").path("weight").asInt()).isEqualTo(7);
        aBefore = a.requests();
        assertThat(traffic(30, proxy[2])).isEqualTo(30);
        assertThat(a.requests()).as("requests to the drained backend through the restarted node").isEqualTo(aBefore);

        // Undrained through node 3: every node sends to it again.
        HttpResponse<String> enabled = admin(adminPort[2], "POST", "pools/web/backends/a/enable", null);
        assertThat(enabled.statusCode()).as(enabled.body()).isEqualTo(200);
        for (int port : adminPort) {
            awaitState(port, "a", "up");
        }
    }
}
