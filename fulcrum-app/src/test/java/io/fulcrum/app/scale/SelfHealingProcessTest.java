package io.fulcrum.app.scale;

import io.fulcrum.app.demo.DemoConfiguration;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.event.Event;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Self-healing with real member processes: a member that stops answering (SIGSTOP: it keeps its
 * port, so only its health checks see it) is replaced once it has been down for {@code heal.downFor};
 * a killed one (SIGKILL) comes back; and past {@code heal.maxPerHour} a failed member is left down,
 * with an event that says so.
 */
class SelfHealingProcessTest {

    @TempDir
    Path dir;

    private String config() throws Exception {
        return """
                server:
                  shutdownGrace: 200ms
                accessLog:
                  enabled: false
                listeners:
                  - name: web
                    bind: 127.0.0.1:%d
                    routes:
                      - name: all
                        pool: web
                pools:
                  - name: web
                    health:
                      checks:
                        - type: {http: {path: /health}}
                          interval: 300ms
                          timeout: 500ms
                          rise: 1
                          fall: 2
                    autoscale:
                      provisioner:
                        process:
                          command: %s
                      target: 1000
                      min: 2
                      max: 2
                      interval: 500ms
                      cooldown: 0s
                      startTimeout: 60s
                      heal: {downFor: 1s, maxPerHour: 2}
                """.formatted(FreePorts.tcp(), DemoConfiguration.yamlList(DemoConfiguration.memberCommand(dir)));
    }

    private static List<Backend> members(FulcrumNode node) {
        return node.proxy().runtime().pools().get("web").backends();
    }

    private static boolean twoUp(FulcrumNode node) {
        List<Backend> m = members(node);
        return m.size() == 2 && m.stream().allMatch(b -> b.state() == BackendState.UP);
    }

    /** The member process listening on the backend's port. */
    private static ProcessHandle processOf(Backend b) {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains("demo-backend")
                        && p.info().commandLine().orElse("").contains("--port " + b.port()))
                .findFirst().orElseThrow(() -> new AssertionError("no process for " + b));
    }

    private static void signal(String signal, ProcessHandle p) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s %d", signal, p.pid())
                .isTrue();
    }

    @Test
    void aHungMemberIsReplacedAKilledOneComesBackAndReplacementsAreBounded() throws Exception {
        try (FulcrumNode node = FulcrumNode.create(ConfigLoader.parse(config(), "heal.yaml"), null)) {
            node.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> twoUp(node));

            // Hung: the process stops answering but keeps its port. Its checks take it down; after downFor it is replaced.
            Backend hung = members(node).getFirst();
            ProcessHandle hungProcess = processOf(hung);
            signal("STOP", hungProcess);
            await().atMost(Duration.ofSeconds(10)).until(() -> hung.state() == BackendState.DOWN);
            await().atMost(Duration.ofSeconds(60)).until(() -> ScaleEvents.of(node, "scale.heal.replaced").size() == 1);
            Event replacing = ScaleEvents.of(node, "scale.heal.replacing").getFirst();
            assertThat(replacing.subject()).isEqualTo("web/" + hung.name());
            assertThat(replacing.reason()).startsWith("down for").contains("heal.downFor 1 s");
            await().atMost(Duration.ofSeconds(60)).until(() -> twoUp(node));
            await().atMost(Duration.ofSeconds(20)).until(() -> !hungProcess.isAlive());

            // Killed: it comes back (the provisioner restarts it, or healing replaces it), and the pool is whole again.
            Backend killed = members(node).getFirst();
            signal("KILL", processOf(killed));
            await().atMost(Duration.ofSeconds(10)).until(() -> killed.state() == BackendState.DOWN
                    || !members(node).contains(killed));
            await().atMost(Duration.ofSeconds(60)).until(() -> twoUp(node));

            // Past maxPerHour (2 in this policy) a failed member stays down, and an event says why.
            int healedSoFar = ScaleEvents.of(node, "scale.heal.replaced").size();
            if (healedSoFar < 2) {
                Backend again = members(node).getFirst();
                signal("STOP", processOf(again));
                await().atMost(Duration.ofSeconds(60)).until(() -> ScaleEvents.of(node, "scale.heal.replaced").size() == 2);
                await().atMost(Duration.ofSeconds(60)).until(() -> twoUp(node));
            }
            Backend last = members(node).getFirst();
            ProcessHandle lastProcess = processOf(last);
            signal("STOP", lastProcess);
            await().atMost(Duration.ofSeconds(30)).until(() -> ScaleEvents.of(node, "scale.heal.limited").size() == 1);
            assertThat(ScaleEvents.of(node, "scale.heal.limited").getFirst().reason()).contains("heal.maxPerHour 2");
            Thread.sleep(1500);
            assertThat(ScaleEvents.of(node, "scale.heal.replacing")).hasSize(2);
            signal("CONT", lastProcess);
        }
    }
}
