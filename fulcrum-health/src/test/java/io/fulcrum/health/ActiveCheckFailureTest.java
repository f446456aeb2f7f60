package io.fulcrum.health;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.backend.CheckReport;
import io.fulcrum.core.event.Event;
import io.fulcrum.health.testing.FlakyOrigin;
import io.fulcrum.health.testing.FlakyOrigin.Mode;
import io.fulcrum.health.testing.HealthFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real origins that fail in each way (refuse, hang, wrong content, error status,
 * slow) are taken down by an HTTP check after exactly {@code fall} failures in a row,
 * stop getting requests, and come back after {@code rise} passes.
 */
class ActiveCheckFailureTest {

    private FlakyOrigin a;
    private FlakyOrigin b;
    private HealthFixture f;

    @BeforeEach
    void start() throws Exception {
        a = new FlakyOrigin("a");
        b = new FlakyOrigin("b").slowMillis(600);
        f = new HealthFixture().start("""
                - name: web
                  retries:
                    attempts: 1
                  passiveHealth:
                    enabled: false
                  health:
                    checks:
                      - type:
                          http:
                            path: /health
                            expectStatus: "200"
                            expectBody: "ok"
                        interval: 100ms
                        timeout: 300ms
                        fall: 3
                        rise: 2
                  backends:
                    - name: a
                      address: %s
                    - name: b
                      address: %s
                """.formatted(a.address(), b.address()));
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
        a.close();
        b.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "REFUSE, connection refused",
            "HANG, timed out",
            "WRONG_CONTENT, does not contain",
            "ERROR, status 500",
            "SLOW, timed out"})
    void failureIsDetectedAfterFallAndRecoveredAfterRise(Mode mode, String why) throws Exception {
        Backend backend = f.backend("web", "b");
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.lastCheck() != null && backend.lastCheck().ok());
        CheckReport good = backend.lastCheck();
        assertThat(good.check()).isEqualTo("http");
        assertThat(good.connectNanos()).isPositive();
        assertThat(good.firstByteNanos()).isGreaterThanOrEqualTo(good.connectNanos());
        assertThat(good.totalNanos()).isGreaterThanOrEqualTo(good.firstByteNanos());
        assertThat(good.responseBytes()).isPositive();
        assertThat(good.averageNanos()).isPositive();

        b.mode(mode);
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.state() == BackendState.DOWN);
        // The event follows the state change on the checking thread.
        await().atMost(Duration.ofSeconds(2)).until(() -> !f.events("backend.down", "web/b").isEmpty());
        List<Event> down = f.events("backend.down", "web/b");
        assertThat(down).hasSize(1);
        // Down exactly at the fall-th failure in a row: detection within interval x fall (plus timeouts).
        assertThat(down.getFirst().details()).containsEntry("consecutiveFailures", "3").containsEntry("fall", "3");
        assertThat(down.getFirst().reason()).contains(why);
        assertThat(backend.adminState()).isEqualTo(BackendState.UP);
        assertThat(backend.healthy()).isFalse();
        assertThat(backend.healthReason()).contains(why);

        // Down takes no requests: every one goes to a.
        assertThat(f.spread(10)).containsOnlyKeys("a");

        b.mode(Mode.NORMAL);
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.state() == BackendState.UP);
        await().atMost(Duration.ofSeconds(2)).until(() -> !f.events("backend.up", "web/b").isEmpty());
        List<Event> up = f.events("backend.up", "web/b");
        assertThat(up).hasSize(1);
        assertThat(up.getFirst().details()).containsEntry("consecutivePasses", "2");
        assertThat(up.getFirst().sequence()).isGreaterThan(down.getFirst().sequence());
        await().atMost(Duration.ofSeconds(3)).until(() -> f.spread(10).containsKey("b"));
    }
}
