package io.fulcrum.health;

import io.fulcrum.core.event.Event;
import io.fulcrum.health.testing.FlakyOrigin;
import io.fulcrum.health.testing.HealthFixture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 24 item 11: a backend that hangs (accepts, reads, never answers) makes idempotent
 * requests time out; with {@code retries.onResponseTimeout} they are tried on another backend
 * instead of failing with 504, and the ejection that the timeouts cause is an event naming them.
 */
class ResponseTimeoutRetryTest {

    @Test
    void hungBackendTimeoutsAreRetriedAndTheEjectionIsAnEvent() throws Exception {
        try (FlakyOrigin a = new FlakyOrigin("a"); FlakyOrigin b = new FlakyOrigin("b");
             HealthFixture f = new HealthFixture()) {
            f.start("""
                    - name: web
                      responseTimeout: 300ms
                      retries:
                        attempts: 1
                        onResponseTimeout: true
                      passiveHealth:
                        consecutiveFailures: 1
                        ejectTime: 10m
                        maxEjectTime: 10m
                      backends:
                        - name: a
                          address: %s
                        - name: b
                          address: %s
                    """.formatted(a.address(), b.address()));
            a.mode(FlakyOrigin.Mode.HANG);
            // Round robin sends one of the first two requests to a: without the retry that one got 504.
            for (int i = 0; i < 2; i++) {
                var r = f.get("/x");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).startsWith("ok b");
            }
            assertThat(f.backend("web", "a").isEjected(System.nanoTime())).isTrue(); // a had one and let it time out
            await().atMost(Duration.ofSeconds(2)).until(() -> !f.events("backend.ejected", "web/a").isEmpty());
            List<Event> ejected = f.events("backend.ejected", "web/a");
            assertThat(ejected).hasSize(1);
            assertThat(ejected.getFirst().reason()).contains("did not answer in time");
        }
    }
}
