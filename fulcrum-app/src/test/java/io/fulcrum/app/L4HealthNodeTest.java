package io.fulcrum.app;

import io.fulcrum.testsupport.ConfigYaml;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health and the L4 router in one node: the router uses the same live backends as the
 * health service, so a backend whose checks fail takes no new flow, and a backend the
 * operator fails (through the admin API) loses its L4 flows at once.
 */
class L4HealthNodeTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<AutoCloseable> closeLater = new java.util.concurrent.CopyOnWriteArrayList<>();
    private FulcrumNode node;

    @AfterEach
    void tearDown() throws Exception {
        if (node != null) {
            node.close();
        }
        for (AutoCloseable c : closeLater) {
            c.close();
        }
    }

    @Test
    void aBackendDownByItsChecksTakesNoNewFlow() throws Exception {
        ServerSocket a = greeter("a");
        ServerSocket b = greeter("b");
        int port = FreePorts.tcp();
        node = FulcrumNode.create(ConfigLoader.parse("""
                server:
                  eventLoopThreads: 1
                accessLog:
                  enabled: false
                pools:
                  - name: tcp
                    passiveHealth:
                      enabled: false
                    health:
                      checks:
                        - {type: tcp, interval: 100ms, timeout: 500ms, fall: 2, rise: 2}
                    backends:
                      - {name: a, address: 127.0.0.1:%d}
                      - {name: b, address: 127.0.0.1:%d}
                virtualServices:
                  - name: svc
                    vips: [127.0.0.2]
                    listeners:
                      - port: %d
                        pool: tcp
                """.formatted(a.getLocalPort(), b.getLocalPort(), port), "l4-health.yaml"), null);
        node.start();
        // Down by its checks: a takes no new flow while it is down.
        await().atMost(WAIT).until(() -> node.proxy().backend("tcp", "a").state() == BackendState.UP);
        a.close();
        await().atMost(WAIT).until(() -> node.proxy().backend("tcp", "a").state() == BackendState.DOWN);
        assertThat(node.events().latest(200)).anyMatch(e -> e.kind().equals("backend.down")
                && e.subject().equals("tcp/a"));
        for (int i = 0; i < 6; i++) {
            try (Socket s = connect(port)) {
                assertThat(greeting(s)).isEqualTo("b");
            }
        }
    }

    /**
     * {@code POST .../fail} through the admin API does what a failed health check does to
     * L4 flows: the flow to the failed backend is closed at once, new flows go elsewhere,
     * and {@code enable} brings it back.
     */
    @Test
    void failingABackendThroughTheAdminApiClosesItsFlows() throws Exception {
        ServerSocket a = greeter("a");
        ServerSocket b = greeter("b");
        int port = FreePorts.tcp();
        String token = "l4-admin-token-0123456789";
        java.nio.file.Path stateDir = java.nio.file.Files.createTempDirectory("l4-admin");
        closeLater.add(() -> {
            try (var files = java.nio.file.Files.walk(stateDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        });
        node = FulcrumNode.create(ConfigLoader.parse("""
                server:
                  eventLoopThreads: 1
                accessLog:
                  enabled: false
                pools:
                  - name: tcp
                    passiveHealth:
                      enabled: false
                    backends:
                      - {name: a, address: 127.0.0.1:%d}
                      - {name: b, address: 127.0.0.1:%d}
                virtualServices:
                  - name: svc
                    vips: [127.0.0.2]
                    listeners:
                      - port: %d
                        pool: tcp
                """.formatted(a.getLocalPort(), b.getLocalPort(), port)
                + ConfigYaml.admin("  stateFile: " + stateDir.resolve("state.json") + "\n",
                        new ConfigYaml.Token("ops", "admin", token)),
                "l4-admin.yaml"), null);
        node.start();
        java.net.URI admin = java.net.URI.create(node.service(io.fulcrum.admin.AdminService.class).url());

        Socket toA = null;
        for (int i = 0; i < 4 && toA == null; i++) {
            Socket s = connect(port);
            if (greeting(s).equals("a")) {
                toA = s;
            } else {
                closeLater.add(s);
            }
        }
        assertThat(toA).as("a flow to backend a").isNotNull();
        InputStream fromA = toA.getInputStream();

        try (var http = java.net.http.HttpClient.newHttpClient()) {
            var r = http.send(java.net.http.HttpRequest.newBuilder(admin.resolve("api/v1/pools/tcp/backends/a/fail"))
                    .header("Authorization", "Bearer " + token).POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(fromA.read()).as("the flow to the failed backend is closed").isEqualTo(-1);
            toA.close();
            for (int i = 0; i < 6; i++) {
                try (Socket s = connect(port)) {
                    assertThat(greeting(s)).isEqualTo("b");
                }
            }
            var enable = http.send(java.net.http.HttpRequest.newBuilder(admin.resolve("api/v1/pools/tcp/backends/a/enable"))
                    .header("Authorization", "Bearer " + token).POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(enable.statusCode()).isEqualTo(200);
            assertThat(node.proxy().backend("tcp", "a").state()).isEqualTo(BackendState.UP);
        }
    }

    private Socket connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.2", port);
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }

    /** The first line a backend sends: its name. */
    private static String greeting(Socket s) throws IOException {
        StringBuilder line = new StringBuilder();
        InputStream in = s.getInputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        return line.toString();
    }

    /** A TCP backend that greets each connection with its name and then holds it open. */
    private ServerSocket greeter(String name) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closeLater.add(server);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    closeLater.add(s);
                    OutputStream out = s.getOutputStream();
                    out.write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    return;
                }
            }
        });
        return server;
    }
}
