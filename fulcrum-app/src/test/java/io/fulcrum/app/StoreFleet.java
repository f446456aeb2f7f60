package io.fulcrum.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.FulcrumProcess;
import io.fulcrum.testsupport.NamedBackend;
import org.awaitility.Awaitility;

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
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three real Fulcrum processes whose configuration comes from etcd ({@code store.etcd}), for the
 * fleet tests that push with {@code fulcrum ctl config push} and talk to the nodes over HTTP:
 * each node's bootstrap holds only its identity, its own listener ({@code public}, routing to
 * pool {@code web}), its admin API with one admin token, its state file and where etcd is; the
 * pushed file gives pool {@code web} its backends.
 */
final class StoreFleet implements AutoCloseable {

    static final Duration WITHIN = Duration.ofSeconds(180);
    static final String TOKEN = "store-fleet-token-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One node: its name, proxy and admin ports on 127.0.0.1, and its process. */
    record Node(String name, int proxyPort, int adminPort, FulcrumProcess process) {
    }

    private final Path dir;
    private final String prefix;
    private final List<String> etcd;
    private final List<Node> nodes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private int pushes;

    /**
     * Writes the three nodes' bootstraps ({@code node1}–{@code node3}); nothing runs yet.
     *
     * @param etcd every etcd member's client URL (the nodes and {@link #push} get them all)
     */
    StoreFleet(Path dir, String prefix, List<String> etcd) throws IOException {
        this.dir = dir;
        this.prefix = prefix;
        this.etcd = List.copyOf(etcd);
        for (int i = 1; i <= 3; i++) {
            String name = "node" + i;
            int proxy = FreePorts.tcp();
            int admin = FreePorts.tcp();
            Path file = Files.writeString(dir.resolve(name + ".yaml"), bootstrap(name, proxy, admin));
            nodes.add(new Node(name, proxy, admin, new FulcrumProcess(name, FulcrumCommand.class.getName(), file,
                    List.of())));
        }
    }

    private String bootstrap(String node, int proxy, int admin) {
        String endpoints = etcd.stream().map(e -> "\"" + e + "\"").collect(Collectors.joining(", "));
        return """
                server: {host: %1$s, shutdownGrace: 1s}
                listeners:
                  - name: public
                    bind: "127.0.0.1:%2$d"
                    routes: [{name: all, pool: web}]
                admin:
                  bind: "127.0.0.1:%3$d"
                  stateFile: %1$s-state.json
                  tokens:
                    - {name: ops, role: admin, token: %4$s}
                store:
                  etcd:
                    endpoints: [%5$s]
                    prefix: %6$s
                    connectTimeout: 1s
                    requestTimeout: 5s
                    retryMaxDelay: 500ms
                    snapshotFile: %1$s-snapshot.yaml
                """.formatted(node, proxy, admin, TOKEN, endpoints, prefix);
    }

    List<Node> nodes() {
        return nodes;
    }

    Node node(int i) {
        return nodes.get(i);
    }

    /** Proxy ports of every node, in order. */
    int[] proxyPorts() {
        return nodes.stream().mapToInt(Node::proxyPort).toArray();
    }

    /** Starts every node and waits until each runs. */
    void startAll() {
        nodes.forEach(n -> n.process().start());
        for (Node n : nodes) {
            n.process().awaitOutput(" running ", 1, WITHIN);
        }
    }

    /**
     * Pushes (with {@code fulcrum ctl config push}, in this JVM) a fleet file whose pool {@code web}
     * has these backends, and checks that it was written.
     */
    void push(NamedBackend... backends) throws IOException {
        StringBuilder list = new StringBuilder();
        for (NamedBackend b : backends) {
            list.append("      - {name: %s, address: \"%s\"}\n".formatted(b.name(), b.address()));
        }
        Path file = Files.writeString(dir.resolve("fleet-" + (++pushes) + ".yaml"), """
                listeners:
                  - name: public
                    bind: "127.0.0.1:%d"
                    routes: [{name: all, pool: web}]
                pools:
                  - name: web
                    backends:
                %s""".formatted(FreePorts.tcp(), list));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(ctl(out, err, "push", file.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("pushed revision ");
    }

    /** Runs {@code fulcrum ctl config ARGS} in this JVM against this fleet's etcd and prefix. */
    int ctl(StringWriter out, StringWriter err, String... args) {
        return ctl(String.join(",", etcd), prefix, out, err, args);
    }

    /** Runs {@code fulcrum ctl config ARGS} in this JVM against etcd ({@code URL[,URL...]}) and a prefix. */
    static int ctl(String etcd, String prefix, StringWriter out, StringWriter err, String... args) {
        List<String> line = new ArrayList<>(List.of("ctl", "config"));
        line.addAll(List.of(args));
        line.addAll(List.of("--etcd", etcd, "--prefix", prefix));
        var cmd = FulcrumCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(line.toArray(String[]::new));
    }

    /** {@code GET /} through a proxy port: the status and body ({@code "200 a"}). */
    String get(int proxyPort) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + "/"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    /** Waits until {@code GET /} through the node answers {@code 200 BODY}. */
    void awaitServing(Node n, String body) {
        Awaitility.await().atMost(WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> get(n.proxyPort()).equals("200 " + body));
    }

    /** Waits until every node answers {@code 200 BODY}. */
    void awaitServingEverywhere(String body) {
        nodes.forEach(n -> awaitServing(n, body));
    }

    /** Waits until every node answers {@code 200} (whichever backend). */
    void awaitAnswering() {
        for (Node n : nodes) {
            Awaitility.await().atMost(WITHIN).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> get(n.proxyPort()).startsWith("200 "));
        }
    }

    /** An admin API request ({@code /api/v1/PATH}) with the fleet's token; {@code body} null for none. */
    HttpResponse<String> admin(Node n, String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.adminPort() + "/api/v1/" + path))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10));
        r = body == null ? r.method(method, HttpRequest.BodyPublishers.noBody())
                : r.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Opens {@code GET /api/v1/events/stream} (server-sent events) on a node and collects its
     * lines, from a thread of its own, into {@code lines} until the returned stream is closed.
     */
    AutoCloseable eventStream(Node n, List<String> lines) throws IOException, InterruptedException {
        HttpResponse<java.util.stream.Stream<String>> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + n.adminPort() + "/api/v1/events/stream"))
                .header("Authorization", "Bearer " + TOKEN).header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofLines());
        if (r.statusCode() != 200) {
            throw new IOException("events/stream: " + r.statusCode());
        }
        java.util.stream.Stream<String> body = r.body();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                body.forEach(lines::add);
            } catch (RuntimeException closed) {
                // The stream was closed by the test, or the node went away.
            }
        });
        return () -> {
            body.close();
            reader.join(5_000);
        };
    }

    /** {@code GET /api/v1/PATH} as JSON; fails unless it answers 200. */
    JsonNode read(Node n, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = admin(n, "GET", path, null);
        if (r.statusCode() != 200) {
            throw new IOException(path + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** Stops every node (SIGTERM). */
    @Override
    public void close() {
        nodes.forEach(n -> n.process().close());
    }
}
