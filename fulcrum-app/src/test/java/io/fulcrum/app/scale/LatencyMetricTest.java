package io.fulcrum.app.scale;

import com.sun.net.httpserver.HttpServer;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.event.Event;
import io.fulcrum.testsupport.ConfigYaml;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code metric: p99Latency} reads the admin statistics' p99 of the pool's backends: a backend that
 * answers in about 200 ms, under a target of 50 ms, makes the pool grow.
 */
class LatencyMetricTest {

    @Test
    void aSlowPoolGrowsOnItsP99() throws Exception {
        HttpServer slow = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        slow.createContext("/", ex -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "slow".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        slow.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        slow.start();
        int port = FreePorts.tcp();
        String yaml = ConfigYaml.quietNode() + ConfigYaml.webListener(port, "web") + """
                pools:
                  - name: web
                    autoscale:
                      provisioner: in-process
                      metric: p99Latency
                      target: 50
                      min: 1
                      max: 2
                      interval: 500ms
                      cooldown: 0s
                      stabilization: {up: 0s, down: 1m}
                    backends:
                      - name: slow
                        address: 127.0.0.1:%d
                """.formatted(slow.getAddress().getPort())
                + ConfigYaml.admin(new ConfigYaml.Token("ops", "read", "latency-test-token-0123456789"));
        try (FulcrumNode node = FulcrumNode.create(ConfigLoader.parse(yaml, "p99.yaml"), null)) {
            node.start();
            PacedLoad load = PacedLoad.start(URI.create("http://127.0.0.1:" + port + "/"), 4, 4,
                    Duration.ofSeconds(60), 2_000);
            await().atMost(Duration.ofSeconds(30)).until(() -> !ScaleEvents.of(node, "scale.member.added").isEmpty());
            Event out = ScaleEvents.firstGrowth(node).orElseThrow();
            assertThat(out.details()).containsEntry("metric", "p99Latency");
            assertThat(Double.parseDouble(out.details().get("value"))).isGreaterThan(150);
            load.close();
            assertThat(load.failed()).as("%s", load.failures()).isZero();
        } finally {
            slow.stop(0);
        }
    }
}
