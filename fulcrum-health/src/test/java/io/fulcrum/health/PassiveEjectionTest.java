package io.fulcrum.health;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.health.testing.FlakyOrigin;
import io.fulcrum.health.testing.HealthFixture;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Passive ejection from real traffic, ended early by the active check once the backend answers again. */
class PassiveEjectionTest {

    @Test
    void anActiveCheckEndsALongEjection() throws Exception {
        try (FlakyOrigin a = new FlakyOrigin("a"); FlakyOrigin b = new FlakyOrigin("b");
             HealthFixture f = new HealthFixture()) {
            f.start("""
                    - name: web
                      retries:
                        attempts: 1
                      passiveHealth:
                        consecutiveFailures: 1
                        ejectTime: 10m
                        maxEjectTime: 10m
                      health:
                        checks:
                          - type: tcp
                            interval: 100ms
                            timeout: 300ms
                            fall: 1000
                            rise: 2
                      backends:
                        - name: a
                          address: %s
                        - name: b
                          address: %s
                    """.formatted(a.address(), b.address()));
            Backend bb = f.backend("web", "b");
            b.mode(FlakyOrigin.Mode.REFUSE);
            // Real traffic finds b refusing: ejected for ten minutes, requests retried on a.
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                f.spread(4);
                return bb.isEjected(System.nanoTime());
            });
            assertThat(f.spread(6)).containsOnlyKeys("a");
            await().atMost(Duration.ofSeconds(2)).until(() -> f.events("backend.ejected", "web/b").size() == 1);

            b.mode(FlakyOrigin.Mode.NORMAL);
            await().atMost(Duration.ofSeconds(5)).until(() -> !bb.isEjected(System.nanoTime()));
            assertThat(f.events("backend.ejection-cleared", "web/b")).hasSize(1);
            await().atMost(Duration.ofSeconds(3)).until(() -> f.spread(6).containsKey("b"));
        }
    }
}
