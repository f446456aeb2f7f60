package io.fulcrum.app.node;

import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.health.HealthService;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A node runs the health service: checks from the configuration reach the proxy's backends and the node's event log. */
class HealthInNodeTest {

    @Test
    void theNodeChecksItsBackendsAndLogsTheirChanges() throws Exception {
        int proxyPort = FreePorts.tcp();
        ServerSocket origin = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!origin.isClosed()) {
                try (Socket s = origin.accept()) {
                    s.getInputStream();
                } catch (Exception e) {
                    return;
                }
            }
        });
        var config = ConfigLoader.parse("""
                listeners:
                  - name: front
                    bind: 127.0.0.1:%d
                    routes:
                      - name: all
                        pool: web
                pools:
                  - name: web
                    health:
                      checks:
                        - type: tcp
                          interval: 100ms
                          timeout: 300ms
                          fall: 2
                    backends:
                      - name: only
                        address: 127.0.0.1:%d
                """.formatted(proxyPort, origin.getLocalPort()), "node.yaml");
        try (FulcrumNode node = FulcrumNode.create(config, null)) {
            node.start();
            assertThat(node.service(HealthService.class)).isNotNull();
            Backend b = node.proxy().backend("web", "only");
            await().atMost(Duration.ofSeconds(5)).until(() -> b.lastCheck() != null && b.lastCheck().ok());
            origin.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> b.state() == BackendState.DOWN);
            await().atMost(Duration.ofSeconds(2)).until(() -> node.events().latest(100).stream()
                    .anyMatch(e -> e.kind().equals("backend.down") && e.subject().equals("web/only")));
        } finally {
            origin.close();
        }
    }
}
