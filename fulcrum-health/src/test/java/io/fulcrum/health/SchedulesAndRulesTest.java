package io.fulcrum.health;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.backend.WeightOrigin;
import io.fulcrum.health.testing.FlakyOrigin;
import io.fulcrum.health.testing.HealthFixture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Slow start after a recovery, a time-window rule, and a scheduled weight set, over the real proxy. */
class SchedulesAndRulesTest {

    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    @Test
    void aRecoveredBackendRampsItsWeightUp() throws Exception {
        try (FlakyOrigin a = new FlakyOrigin("a"); FlakyOrigin b = new FlakyOrigin("b");
             HealthFixture f = new HealthFixture()) {
            f.start("""
                    - name: web
                      passiveHealth:
                        enabled: false
                      health:
                        checks:
                          - type: tcp
                            interval: 100ms
                            timeout: 300ms
                            fall: 2
                            rise: 2
                        slowStart: 1500ms
                      backends:
                        - name: a
                          address: %s
                          weight: 20
                        - name: b
                          address: %s
                          weight: 20
                    """.formatted(a.address(), b.address()));
            Backend bb = f.backend("web", "b");
            List<Integer> weights = new CopyOnWriteArrayList<>();
            bb.addListener(x -> weights.add(x.weight()));
            b.mode(FlakyOrigin.Mode.REFUSE);
            await().atMost(Duration.ofSeconds(5)).until(() -> bb.state() == BackendState.DOWN);
            b.mode(FlakyOrigin.Mode.NORMAL);
            await().atMost(Duration.ofSeconds(5)).until(() -> bb.state() == BackendState.UP);
            // The next tick (every 100 ms) sees it back and starts the ramp.
            await().atMost(Duration.ofSeconds(2)).until(() -> f.events("backend.slow-start", "web/b").size() == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> bb.weightOrigin() == WeightOrigin.CONFIGURED
                    && bb.weight() == 20);
            // The ramp went through intermediate weights, rising, from low to the full 20.
            List<Integer> ramp = weights.stream().filter(w -> w > 0 && w < 20).toList();
            assertThat(ramp).hasSizeGreaterThan(3);
            assertThat(ramp).isSorted();
            assertThat(ramp.getFirst()).isLessThan(10);
        }
    }

    @Test
    void aBackendThatJoinsARunningPoolRampsItsWeightUp() throws Exception {
        String pool = """
                - name: web
                  health:
                    slowStart: 1500ms
                  backends:
                    - name: a
                      address: %s
                      weight: 20
                """;
        String joined = pool + """
                    - name: b
                      address: %s
                      weight: 20
                """;
        try (FlakyOrigin a = new FlakyOrigin("a"); FlakyOrigin b = new FlakyOrigin("b");
             HealthFixture f = new HealthFixture()) {
            f.start(pool.formatted(a.address()));
            await().atMost(Duration.ofSeconds(2)).until(() -> f.backend("web", "a").weight() == 20);
            f.reload(joined.formatted(a.address(), b.address()));
            Backend bb = f.backend("web", "b");
            List<Integer> weights = new CopyOnWriteArrayList<>();
            bb.addListener(x -> weights.add(x.weight()));
            await().atMost(Duration.ofSeconds(2)).until(() -> f.events("backend.slow-start", "web/b").size() == 1);
            assertThat(f.events("backend.slow-start", "web/b").getFirst().reason()).startsWith("joined the pool");
            await().atMost(Duration.ofSeconds(5)).until(() -> bb.weightOrigin() == WeightOrigin.CONFIGURED
                    && bb.weight() == 20);
            List<Integer> ramp = weights.stream().filter(w -> w > 0 && w < 20).toList();
            assertThat(ramp).hasSizeGreaterThan(3);
            assertThat(ramp).isSorted();
            // The backends of the first configuration took their weight at once: no ramp for a.
            assertThat(f.events("backend.slow-start", "web/a")).isEmpty();
        }
    }

    @Test
    void aTimeWindowRuleHoldsItsBackendsWhileOpen() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String from = HMS.format(now.plusSeconds(2));
        String to = HMS.format(now.plusSeconds(4));
        try (FlakyOrigin a = new FlakyOrigin("a"); FlakyOrigin b = new FlakyOrigin("b");
             HealthFixture f = new HealthFixture()) {
            f.start("""
                    - name: web
                      health:
                        rules:
                          - name: nightly-backup
                            backends: [b]
                            from: "%s"
                            to: "%s"
                            zone: UTC
                      backends:
                        - name: a
                          address: %s
                        - name: b
                          address: %s
                    """.formatted(from, to, a.address(), b.address()));
            Backend bb = f.backend("web", "b");
            await().atMost(Duration.ofSeconds(6)).until(() -> bb.weight() == 0);
            assertThat(bb.weightOrigin()).isEqualTo(WeightOrigin.HOLD);
            assertThat(bb.weightReason()).contains("nightly-backup");
            assertThat(bb.state()).as("held, not failed").isEqualTo(BackendState.UP);
            assertThat(f.spread(6)).containsOnlyKeys("a");
            assertThat(f.events("rule.open", "web")).hasSize(1);
            await().atMost(Duration.ofSeconds(6)).until(() -> bb.weight() == 1);
            assertThat(f.events("rule.closed", "web")).hasSize(1);
            assertThat(f.spread(6)).containsKeys("a", "b");
        }
    }

    @Test
    void aRuleHoldsABackendWhoseWeightTheControllerSet() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String from = HMS.format(now.plusSeconds(3));
        String to = HMS.format(now.plusSeconds(5));
        try (FlakyOrigin a = new FlakyOrigin("a"); FlakyOrigin b = new FlakyOrigin("b");
             HealthFixture f = new HealthFixture()) {
            f.start("""
                    - name: web
                      health:
                        rules:
                          - name: nightly-backup
                            backends: [b]
                            from: "%s"
                            to: "%s"
                            zone: UTC
                      backends:
                        - name: a
                          address: %s
                        - name: b
                          address: %s
                    """.formatted(from, to, a.address(), b.address()));
            Backend bb = f.backend("web", "b");
            // What the cluster controller's node side does with a publication, before the window opens.
            bb.setWeight(7, WeightOrigin.CONTROLLER, "published by the controller");
            await().atMost(Duration.ofSeconds(8)).until(() -> bb.weightOrigin() == WeightOrigin.HOLD);
            assertThat(bb.weight()).isZero();
            assertThat(bb.weightReason()).contains("nightly-backup");
            assertThat(f.spread(6)).containsOnlyKeys("a");
            // The window closes: the controller's weight comes back, not the configured one.
            await().atMost(Duration.ofSeconds(8)).until(() -> bb.weightOrigin() == WeightOrigin.CONTROLLER);
            assertThat(bb.weight()).isEqualTo(7);
            assertThat(bb.weightReason()).isEqualTo("published by the controller");
        }
    }

    @Test
    void aScheduledSetTakesEffectAtItsTime() throws Exception {
        Instant at = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS);
        try (FlakyOrigin a = new FlakyOrigin("a"); FlakyOrigin b = new FlakyOrigin("b"); FlakyOrigin c = new FlakyOrigin("c");
             HealthFixture f = new HealthFixture()) {
            f.start("""
                    - name: web
                      algorithm: weighted-round-robin
                      health:
                        schedules:
                          - name: evening
                            at: "%s"
                            weights: {a: 1, b: 4}
                            members: [a, b]
                      backends:
                        - name: a
                          address: %s
                          weight: 3
                        - name: b
                          address: %s
                          weight: 3
                        - name: c
                          address: %s
                          weight: 3
                    """.formatted(at, a.address(), b.address(), c.address()));
            Backend ba = f.backend("web", "a");
            Backend bb = f.backend("web", "b");
            Backend bc = f.backend("web", "c");
            if (Instant.now().isBefore(at)) {
                assertThat(bb.weight()).isEqualTo(3);
                assertThat(bb.weightOrigin()).isEqualTo(WeightOrigin.CONFIGURED);
            }
            await().atMost(Duration.ofSeconds(6)).until(() -> bb.weight() == 4);
            assertThat(Instant.now()).isAfterOrEqualTo(at);
            assertThat(ba.weight()).isEqualTo(1);
            assertThat(bc.weight()).as("not a member").isZero();
            assertThat(bb.weightOrigin()).isEqualTo(WeightOrigin.SCHEDULE);
            assertThat(f.events("schedule.active", "web")).hasSize(1);
            var spread = f.spread(50);
            assertThat(spread).containsOnlyKeys("a", "b");
            assertThat(spread.get("b")).isEqualTo(40);
        }
    }
}
