package io.fulcrum.app;

import io.fulcrum.testsupport.ConfigYaml;
import io.fulcrum.testsupport.EchoServer;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.l4.ConnectionTableSource;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The L4 router inside a whole node: a file with only {@code virtualServices} (no HTTP
 * listener) starts, relays, is a {@link ConnectionTableSource} for the admin API, and
 * takes a reload that adds a VIP while a connection stays open.
 */
class L4NodeTest {

    private EchoServer echo;
    private FulcrumNode node;

    @AfterEach
    void tearDown() throws Exception {
        if (node != null) {
            node.close();
        }
        echo.close();
    }

    private static String yaml(int backendPort, int port, String vips) {
        return """
                server:
                  eventLoopThreads: 1
                accessLog:
                  enabled: false
                pools:
                  - name: echo
                    backends:
                      - address: 127.0.0.1:%d
                virtualServices:
                  - name: svc
                    vips: [%s]
                    listeners:
                      - port: %d
                        pool: echo
                """.formatted(backendPort, vips, port)
                + ConfigYaml.admin(new ConfigYaml.Token("viewer", "read", "l4-node-test-token-0123456789"));
    }

    @Test
    void aNodeRunsVirtualServicesAndReloadsThemWithoutDroppingAConnection() throws Exception {
        echo = EchoServer.start();
        int port = FreePorts.tcp();
        FulcrumConfig first = ConfigLoader.parse(yaml(echo.port(), port, "127.0.0.2"), "l4.yaml");
        node = FulcrumNode.create(first, null);
        node.start();
        assertThat(node.services()).anyMatch(s -> s instanceof ConnectionTableSource);
        try (Socket s = new Socket("127.0.0.2", port)) {
            s.setSoTimeout(5000);
            roundTrip(s, "before");
            assertThatThrownBy(() -> new Socket("127.0.0.3", port).close()).isInstanceOf(ConnectException.class);
            node.apply(ConfigLoader.parse(yaml(echo.port(), port, "127.0.0.2, 127.0.0.3"), "l4.yaml"));
            roundTrip(s, "after");
            try (Socket t = new Socket("127.0.0.3", port)) {
                t.setSoTimeout(5000);
                roundTrip(t, "new vip");
            }
            ConnectionTableSource table = (ConnectionTableSource) node.services().stream()
                    .filter(x -> x instanceof ConnectionTableSource).findFirst().orElseThrow();
            assertThat(table.connections(10)).anyMatch(e -> e.client().endsWith(":" + s.getLocalPort())
                    && e.state().equals("ACTIVE"));

            // The admin API shows the virtual service with both VIPs and the live connection.
            String admin = node.service(io.fulcrum.admin.AdminService.class).url();
            try (var http = java.net.http.HttpClient.newHttpClient()) {
                java.util.function.Function<String, String> get = path -> {
                    try {
                        var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(admin + path))
                                        .header("Authorization", "Bearer l4-node-test-token-0123456789").build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString());
                        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
                        return r.body();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                };
                assertThat(get.apply("api/v1/virtual-services")).contains("\"name\":\"svc\"")
                        .contains("127.0.0.2").contains("127.0.0.3").contains("\"port\":" + port);
                assertThat(get.apply("api/v1/connections")).contains(":" + s.getLocalPort());
            }
        }
    }

    private static void roundTrip(Socket s, String text) throws Exception {
        s.getOutputStream().write((text + "\n").getBytes(StandardCharsets.US_ASCII));
        byte[] back = s.getInputStream().readNBytes(text.length() + 1);
        assertThat(new String(back, StandardCharsets.US_ASCII)).isEqualTo(text + "\n");
    }
}
