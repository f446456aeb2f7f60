package io.fulcrum.app;

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
 * Three real Fulcrum processes following one real etcd: what {@code fulcrum ctl config push}
 * writes serves on every node, and traffic goes on while etcd is down.
 */
class ConfigStoreFleetTest {

    private static final Duration WITHIN = Duration.ofSeconds(180);
    private static final String PREFIX = "/fleet";

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

    /** What is pushed: one listener (each node binds its own) and the pool it sends to. */
    private Path fleetFile(String name, NamedBackend backend) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, """
                listeners:
                  - name: public
                    bind: "127.0.0.1:%d"
                    routes: [{name: all, pool: web}]
                pools:
                  - name: web
                    backends: [{name: %s, address: "%s"}]
                """.formatted(FreePorts.tcp(), backend.name(), backend.address()));
        return file;
    }

    /** A node's bootstrap: its identity, its own listener address, and where etcd is. */
    private Path bootstrap(String node, int port, EtcdProcess etcd) throws IOException {
        Path file = dir.resolve(node + ".yaml");
        Files.writeString(file, """
                server: {host: %s, shutdownGrace: 1s}
                listeners:
                  - name: public
                    bind: "127.0.0.1:%d"
                    routes: [{name: all, pool: web}]
                store:
                  etcd:
                    endpoints: ["%s"]
                    prefix: %s
                    connectTimeout: 1s
                    requestTimeout: 5s
                    retryMaxDelay: 500ms
                    snapshotFile: %s-snapshot.yaml
                """.formatted(node, port, etcd.endpoint(), PREFIX, node));
        return file;
    }

    /** Runs {@code fulcrum ctl config ARGS} in this JVM against this etcd and prefix. */
    static int ctl(EtcdProcess etcd, String prefix, StringWriter out, StringWriter err, String... args) {
        List<String> line = new ArrayList<>(List.of("ctl", "config"));
        line.addAll(List.of(args));
        line.addAll(List.of("--etcd", etcd.endpoint(), "--prefix", prefix));
        var cmd = FulcrumCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(line.toArray(String[]::new));
    }

    private static void push(EtcdProcess etcd, Path file) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(ctl(etcd, PREFIX, out, err, "push", file.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("pushed revision ");
    }

    private String get(int port) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private void awaitServing(int port, String backend) {
        Awaitility.await().atMost(WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> get(port).equals("200 " + backend));
    }

    @Test
    void aPushServesOnThreeNodesAndTrafficOutlivesEtcd() throws Exception {
        EtcdProcess etcd = closing(EtcdProcess.single());
        NamedBackend a = closing(NamedBackend.start("a"));
        NamedBackend b = closing(NamedBackend.start("b"));
        int[] ports = {FreePorts.tcp(), FreePorts.tcp(), FreePorts.tcp()};
        List<FulcrumProcess> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            FulcrumProcess node = closing(new FulcrumProcess("node" + i, FulcrumCommand.class.getName(),
                    bootstrap("node" + i, ports[i], etcd), List.of()));
            nodes.add(node.start());
        }
        for (FulcrumProcess node : nodes) {
            node.awaitOutput(" running ", 1, WITHIN);
        }

        // Nothing in etcd yet: the nodes run on their bootstrap. A push reaches all three.
        push(etcd, fleetFile("fleet-a.yaml", a));
        for (int port : ports) {
            awaitServing(port, "a");
        }
        push(etcd, fleetFile("fleet-b.yaml", b));
        for (int port : ports) {
            awaitServing(port, "b");
        }

        // etcd dies: every node keeps serving what it has, not one request fails.
        etcd.kill();
        int failed = 0;
        for (int i = 0; i < 150; i++) {
            String answer;
            try {
                answer = get(ports[i % 3]);
            } catch (IOException e) {
                answer = e.toString();
            }
            if (!answer.equals("200 b")) {
                failed++;
            }
        }
        assertThat(failed).isZero();

        // A node restarted while etcd is down serves the snapshot it kept.
        FulcrumProcess restarted = nodes.get(1);
        restarted.kill();
        restarted.start();
        restarted.awaitOutput("starting from revision", 1, WITHIN);
        assertThat(restarted.tail()).contains("(the local snapshot: the store is unreachable)");
        awaitServing(ports[1], "b");

        // etcd comes back: a change made now reaches every node, the restarted one too.
        etcd.restart();
        push(etcd, fleetFile("fleet-a2.yaml", a));
        for (int port : ports) {
            awaitServing(port, "a");
        }
    }
}
