package io.fulcrum.app;

import com.sun.net.httpserver.HttpServer;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.app.scale.ScaleEvents;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.event.Event;
import io.fulcrum.testsupport.ConfigYaml;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code metric: hostCpu} follows what a real {@code fulcrum agent} process reports for the
 * backend's host (its load per core, from this machine's {@code /proc/loadavg}): a target far
 * below any running machine's load makes the pool grow, and the decision carries the agent's
 * reading. Without the agent's reports there would be no reading and the pool would keep its size.
 */
class HostCpuAutoscaleTest {

    private static final String TOKEN = "host-cpu-agent-token-0123456789";

    @TempDir
    Path dir;

    @Test
    void aPoolGrowsOnItsHostsCpuAsTheAgentReportsIt() throws Exception {
        HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        backend.createContext("/", ex -> {
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        backend.start();
        int agentPort = FreePorts.tcp();
        int port = FreePorts.tcp();
        try (FulcrumProcess agent = FulcrumProcess.start(dir, "agent", "--listen", "127.0.0.1:" + agentPort,
                "--token", TOKEN)) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                try (Socket s = new Socket("127.0.0.1", agentPort)) {
                    return true;
                }
            });
            // The test's own JVM and the agent keep this machine's load above 0.001 per core.
            String yaml = ConfigYaml.quietNode() + ConfigYaml.webListener(port, "web") + """
                    pools:
                      - name: web
                        health:
                          agent:
                            addresses: {a: 127.0.0.1:%d}
                            token: %s
                            interval: 200ms
                        autoscale:
                          provisioner: in-process
                          metric: hostCpu
                          target: 0.001
                          min: 1
                          max: 2
                          interval: 500ms
                          cooldown: 0s
                          stabilization: {up: 0s, down: 1m}
                        backends:
                          - name: a
                            address: 127.0.0.1:%d
                    """.formatted(agentPort, TOKEN, backend.getAddress().getPort());
            try (FulcrumNode node = FulcrumNode.create(ConfigLoader.parse(yaml, "host-cpu.yaml"), null)) {
                node.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> !ScaleEvents.of(node, "scale.member.added").isEmpty());
                Event out = ScaleEvents.firstGrowth(node).orElseThrow();
                assertThat(out.details()).containsEntry("metric", "hostCpu");
                assertThat(Double.parseDouble(out.details().get("value"))).isGreaterThan(0.001);
            }
        } finally {
            backend.stop(0);
        }
    }
}
