package io.fulcrum.health;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.WeightOrigin;
import io.fulcrum.core.event.Event;
import io.fulcrum.health.agent.HostAgent;
import io.fulcrum.health.testing.FlakyOrigin;
import io.fulcrum.health.testing.HealthFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The manager's loop over real origins, agents and the proxy: agent reports stop and
 * resume; a slower or busier backend's weight and share of traffic fall; fixed
 * weights stay.
 */
class ManagerLoopTest {

    @TempDir
    Path dir;

    private static HostAgent agent(int port, String script) throws Exception {
        HostAgent a = new HostAgent(new HostAgent.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                "tok", Set.of(), script == null ? Map.of() : Map.of("load", script), Duration.ofSeconds(2)));
        a.start();
        return a;
    }

    private static double share(Map<String, Integer> spread, String name) {
        int a = spread.getOrDefault("a", 0);
        int b = spread.getOrDefault("b", 0);
        return (name.equals("a") ? a : b) / (double) Math.max(1, a + b);
    }

    @Test
    void missingAgentReportsStopNewConnectionsUntilTheyResume() throws Exception {
        try (FlakyOrigin a = new FlakyOrigin("a"); FlakyOrigin b = new FlakyOrigin("b");
             HostAgent agentA = agent(0, null); HealthFixture f = new HealthFixture()) {
            HostAgent agentB = agent(0, null);
            int agentBPort = agentB.address().getPort();
            f.start("""
                    - name: web
                      health:
                        agent:
                          token: tok
                          interval: 100ms
                          timeout: 300ms
                          staleAfter: 800ms
                          addresses:
                            a: 127.0.0.1:%d
                            b: 127.0.0.1:%d
                      backends:
                        - name: a
                          address: %s
                        - name: b
                          address: %s
                    """.formatted(agentA.address().getPort(), agentBPort, a.address(), b.address()));
            Backend ba = f.backend("web", "a");
            Backend bb = f.backend("web", "b");
            // Both agents report (a cold JVM's first polls may be late: wait until neither is held).
            await().atMost(Duration.ofSeconds(10)).until(() -> f.seen().stream().anyMatch(e -> e.kind().equals(
                    "agent.resumed")) || f.seen().stream().noneMatch(e -> e.kind().equals("agent.stale")));
            await().atMost(Duration.ofSeconds(10)).until(() -> ba.weight() == 1 && bb.weight() == 1
                    && ba.weightOrigin() == WeightOrigin.CONFIGURED && bb.weightOrigin() == WeightOrigin.CONFIGURED);
            assertThat(f.spread(6)).containsKeys("a", "b");
            int staleBefore = f.events("agent.stale", "web/b").size();
            int resumedBefore = f.events("agent.resumed", "web/b").size();

            agentB.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> bb.weight() == 0);
            assertThat(bb.weightOrigin()).isEqualTo(WeightOrigin.HOLD);
            assertThat(bb.weightReason()).contains("no agent report");
            assertThat(f.events("agent.stale", "web/b")).hasSize(staleBefore + 1);
            assertThat(ba.weight()).isEqualTo(1);
            assertThat(f.spread(10)).containsOnlyKeys("a");

            agentB = agent(agentBPort, null);
            try {
                await().atMost(Duration.ofSeconds(5)).until(() -> bb.weight() == 1);
                assertThat(f.events("agent.resumed", "web/b")).hasSize(resumedBefore + 1);
                assertThat(f.spread(10)).containsKeys("a", "b");
            } finally {
                agentB.close();
            }
        }
    }

    @Test
    void aSlowerBackendGetsASmallerShare() throws Exception {
        try (FlakyOrigin a = new FlakyOrigin("a").baseDelayMillis(5);
             FlakyOrigin b = new FlakyOrigin("b").baseDelayMillis(5).slowMillis(60);
             FlakyOrigin c = new FlakyOrigin("c"); HealthFixture f = new HealthFixture()) {
            f.start("""
                    - name: web
                      algorithm: smooth-weighted-round-robin
                      health:
                        checks:
                          - type: http
                            interval: 100ms
                            timeout: 1s
                        adaptiveWeights:
                          interval: 300ms
                          minWeight: 1
                          maxWeight: 100
                          smoothing: 2
                          threshold: 10
                          importance: {input: 0, host: 0, service: 1}
                          fixed: [c]
                      backends:
                        - name: a
                          address: %s
                        - name: b
                          address: %s
                        - name: c
                          address: %s
                          weight: 5
                    """.formatted(a.address(), b.address(), c.address()));
            Backend ba = f.backend("web", "a");
            Backend bb = f.backend("web", "b");
            Map<String, Integer> before = f.spread(40);
            assertThat(share(before, "b")).as("before: %s", before).isBetween(0.3, 0.7);

            b.mode(FlakyOrigin.Mode.SLOW);
            await().atMost(Duration.ofSeconds(10)).until(() -> bb.weight() * 3 < ba.weight());
            assertThat(bb.weightOrigin()).isEqualTo(WeightOrigin.ADAPTIVE);
            assertThat(bb.weightReason()).contains("probe");
            Map<String, Integer> after = f.spread(40);
            assertThat(share(after, "b")).as("after: %s (before: %s)", after, before).isLessThan(0.35)
                    .isLessThan(share(before, "b") - 0.15);

            Backend bc = f.backend("web", "c");
            assertThat(bc.weight()).isEqualTo(5);
            assertThat(bc.weightOrigin()).isEqualTo(WeightOrigin.FIXED);
            Event recomputed = f.seen().stream().filter(e -> e.kind().equals("weights.recomputed")
                    && e.details().get("pushed").equals("true")).reduce((x, y) -> y).orElseThrow();
            assertThat(recomputed.details()).containsKeys("a", "b", "importance", "smoothing", "threshold")
                    .doesNotContainKey("c");
            assertThat(recomputed.details().get("b")).contains("probe");
        }
    }

    @Test
    void aBusierHostGetsASmallerShare() throws Exception {
        Path loadA = Files.writeString(dir.resolve("a"), "10\n");
        Path loadB = Files.writeString(dir.resolve("b"), "10\n");
        try (FlakyOrigin a = new FlakyOrigin("a"); FlakyOrigin b = new FlakyOrigin("b");
             HostAgent agentA = agent(0, "cat " + loadA); HostAgent agentB = agent(0, "cat " + loadB);
             HealthFixture f = new HealthFixture()) {
            f.start("""
                    - name: web
                      algorithm: smooth-weighted-round-robin
                      health:
                        agent:
                          token: tok
                          interval: 100ms
                          staleAfter: 2s
                          addresses:
                            a: 127.0.0.1:%d
                            b: 127.0.0.1:%d
                        adaptiveWeights:
                          interval: 300ms
                          importance: {input: 0, host: 1, service: 0}
                          hostMetric: script:load
                      backends:
                        - name: a
                          address: %s
                        - name: b
                          address: %s
                    """.formatted(agentA.address().getPort(), agentB.address().getPort(), a.address(), b.address()));
            Backend ba = f.backend("web", "a");
            Backend bb = f.backend("web", "b");
            // Equal load: equal weights from the loop (the middle of the range).
            await().atMost(Duration.ofSeconds(5)).until(() -> bb.weightOrigin() == WeightOrigin.ADAPTIVE);
            assertThat(bb.weight()).isEqualTo(ba.weight());
            Map<String, Integer> before = f.spread(40);
            assertThat(share(before, "b")).as("before: %s", before).isBetween(0.4, 0.6);

            Files.writeString(loadB, "90\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> bb.weight() * 4 < ba.weight());
            Map<String, Integer> after = f.spread(40);
            assertThat(share(after, "b")).as("after: %s (before: %s)", after, before).isLessThan(0.35)
                    .isLessThan(share(before, "b") - 0.15);
            assertThat(bb.weightReason()).contains("script:load 90.0");
        }
    }

    @Test
    void aTimedOutProbeStopsNewConnectionsBeforeFallTakesItDown() throws Exception {
        try (FlakyOrigin a = new FlakyOrigin("a"); FlakyOrigin b = new FlakyOrigin("b");
             HealthFixture f = new HealthFixture()) {
            f.start("""
                    - name: web
                      passiveHealth:
                        enabled: false
                      health:
                        checks:
                          - type: http
                            interval: 100ms
                            timeout: 200ms
                            fall: 30
                        adaptiveWeights:
                          interval: 1h
                      backends:
                        - name: a
                          address: %s
                        - name: b
                          address: %s
                    """.formatted(a.address(), b.address()));
            Backend bb = f.backend("web", "b");
            b.mode(FlakyOrigin.Mode.HANG);
            await().atMost(Duration.ofSeconds(5)).until(() -> bb.weightOrigin() == WeightOrigin.HOLD);
            assertThat(bb.weightReason()).isEqualTo("http probe timed out");
            assertThat(bb.state()).as("held, not yet down").isEqualTo(io.fulcrum.core.backend.BackendState.UP);
            assertThat(f.spread(6)).containsOnlyKeys("a");
            b.mode(FlakyOrigin.Mode.NORMAL);
            await().atMost(Duration.ofSeconds(5)).until(() -> bb.weight() == 1);
        }
    }
}
