package io.fulcrum.health;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.backend.WeightOrigin;
import io.fulcrum.health.testing.FlakyOrigin;
import io.fulcrum.health.testing.HealthFixture;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Rules, checks and weights change at run time through a configuration reload, keeping what did not change. */
class HealthReloadTest {

    private static final String POOL = """
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
            %s
              backends:
                - name: a
                  address: %s
                - name: b
                  address: %s
            """;
    private static final String ALL_DAY_RULE = """
                rules:
                  - name: freeze
                    backends: [a]
                    from: "00:00"
                    to: "23:59:59"
            """;

    @Test
    void reloadChangesRulesAndKeepsCheckVerdicts() throws Exception {
        try (FlakyOrigin a = new FlakyOrigin("a"); FlakyOrigin b = new FlakyOrigin("b");
             HealthFixture f = new HealthFixture()) {
            f.start(POOL.formatted("", a.address(), b.address()));
            Backend ba = f.backend("web", "a");
            Backend bb = f.backend("web", "b");
            b.mode(FlakyOrigin.Mode.REFUSE);
            await().atMost(Duration.ofSeconds(5)).until(() -> bb.state() == BackendState.DOWN);

            // A rule appears: a is held; b's verdict (same check settings) survives the reload.
            f.reload(POOL.formatted(ALL_DAY_RULE, a.address(), b.address()));
            assertThat(bb.state()).isEqualTo(BackendState.DOWN);
            assertThat(ba.weight()).isZero();
            assertThat(ba.weightOrigin()).isEqualTo(WeightOrigin.HOLD);
            assertThat(f.get("/").statusCode()).isEqualTo(503);

            // The rule goes again: a takes traffic at once.
            f.reload(POOL.formatted("", a.address(), b.address()));
            assertThat(ba.weight()).isEqualTo(1);
            assertThat(ba.weightOrigin()).isEqualTo(WeightOrigin.CONFIGURED);
            assertThat(f.get("/").body().strip()).isEqualTo("ok a");

            // Without any health section the service lets go: b is no longer held down by its checks.
            String plain = """
                    - name: web
                      backends:
                        - name: a
                          address: %s
                        - name: b
                          address: %s
                    """.formatted(a.address(), b.address());
            f.reload(plain);
            assertThat(bb.healthy()).isTrue();
            assertThat(bb.state()).isEqualTo(BackendState.UP);
            // Its checks stopped: b still refuses, yet over ten check intervals nothing takes it down again.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> bb.state() == BackendState.UP);
        }
    }

    private static final String ADAPTIVE = """
            - name: web
              algorithm: smooth-weighted-round-robin
              health:
                checks:
                  - type: http
                    interval: 100ms
                    timeout: 1s
                adaptiveWeights:
                  enabled: %s
                  interval: 200ms
                  smoothing: %d
                  importance: {input: 0, host: 0, service: 1}
              backends:
                - name: a
                  address: %s
                - name: b
                  address: %s
            """;

    @Test
    void weightLoopParametersChangeAtRunTime() throws Exception {
        try (FlakyOrigin a = new FlakyOrigin("a").baseDelayMillis(5);
             FlakyOrigin b = new FlakyOrigin("b").baseDelayMillis(5).slowMillis(45);
             HealthFixture f = new HealthFixture()) {
            f.start(ADAPTIVE.formatted(true, 2, a.address(), b.address()));
            Backend ba = f.backend("web", "a");
            Backend bb = f.backend("web", "b");
            b.mode(FlakyOrigin.Mode.SLOW);
            await().atMost(Duration.ofSeconds(10)).until(() -> bb.weight() * 2 < ba.weight());

            // A new smoothing factor is used from the next round on.
            f.reload(ADAPTIVE.formatted(true, 7, a.address(), b.address()));
            await().atMost(Duration.ofSeconds(5)).until(() -> f.seen().stream().anyMatch(e ->
                    e.kind().equals("weights.recomputed") && "7".equals(e.details().get("smoothing"))));

            // Switched off: the configured weights are back at once.
            f.reload(ADAPTIVE.formatted(false, 7, a.address(), b.address()));
            assertThat(ba.weight()).isEqualTo(1);
            assertThat(bb.weight()).isEqualTo(1);
            assertThat(bb.weightOrigin()).isEqualTo(WeightOrigin.CONFIGURED);
        }
    }
}
