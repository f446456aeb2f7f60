package io.fulcrum.health;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendListener;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.health.testing.FlakyOrigin;
import io.fulcrum.health.testing.HealthFixture;
import io.fulcrum.proxy.runtime.RouteRuntime;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * requirements 2.3 item 6: a failed backend stops at once and loses its sticky entries (and
 * listeners are told, so the L4 router purges its flows); a drained one keeps its
 * sessions, optionally takes new ones until a deadline, and is reported when empty.
 */
class FailedVersusDrainedTest {

    private static final String POOL = """
            - name: web
              backends:
                - name: a
                  address: %s
                - name: b
                  address: %s
            """;
    private static final String STICKY = """
            stickiness:
              enabled: true
              mode: cookie
              timeout: 800ms
            """;

    /** A session cookie bound to {@code want} (new sessions until one lands there). */
    private static String sessionOn(HealthFixture f, String want) throws Exception {
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = f.get("/");
            if (r.body().strip().equals("ok " + want)) {
                return r.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
            }
        }
        throw new AssertionError("no session landed on " + want);
    }

    private static int stickyEntries(HealthFixture f, Backend b) {
        int n = 0;
        for (var l : f.proxy().runtime().listeners().values()) {
            for (RouteRuntime r : l.routes()) {
                n += r.sticky().countFor(b);
            }
        }
        return n;
    }

    @Test
    void aFailedBackendStopsAtOnceAndLosesItsSessions() throws Exception {
        try (FlakyOrigin a = new FlakyOrigin("a"); FlakyOrigin b = new FlakyOrigin("b");
             HealthFixture f = new HealthFixture()) {
            f.start(POOL.formatted(a.address(), b.address()), STICKY);
            Backend bb = f.backend("web", "b");
            List<String> failed = new CopyOnWriteArrayList<>();
            bb.addListener(new BackendListener() {
                @Override
                public void backendChanged(Backend backend) {
                }

                @Override
                public void backendFailed(Backend backend) {
                    failed.add(backend.name());
                }
            });
            String cookie = sessionOn(f, "b");
            assertThat(stickyEntries(f, bb)).isEqualTo(1);

            assertThat(f.health().fail("web", "b", "host lost", "ops")).isTrue();
            assertThat(bb.state()).isEqualTo(BackendState.DOWN);
            assertThat(stickyEntries(f, bb)).as("purged at once").isZero();
            assertThat(failed).containsExactly("b");
            assertThat(f.get("/", cookie).body().strip()).isEqualTo("ok a");
            assertThat(f.events("backend.failed", "web/b")).singleElement()
                    .satisfies(e -> assertThat(e.actor()).isEqualTo("ops"));
        }
    }

    @Test
    void aDrainedBackendKeepsItsSessionsAndIsReportedWhenEmpty() throws Exception {
        try (FlakyOrigin a = new FlakyOrigin("a"); FlakyOrigin b = new FlakyOrigin("b");
             HealthFixture f = new HealthFixture()) {
            f.start(POOL.formatted(a.address(), b.address()), STICKY);
            Backend bb = f.backend("web", "b");
            String cookie = sessionOn(f, "b");

            assertThat(f.health().drain("web", "b", Duration.ZERO, "ops")).isTrue();
            assertThat(bb.state()).isEqualTo(BackendState.DRAINING);
            // Its session goes on; new sessions go elsewhere.
            assertThat(f.get("/", cookie).body().strip()).isEqualTo("ok b");
            for (int i = 0; i < 6; i++) {
                assertThat(f.get("/").body().strip()).isEqualTo("ok a");
            }
            assertThat(stickyEntries(f, bb)).isEqualTo(1);
            // Once the session expires (800 ms without use) it is empty and reported.
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                f.proxy().runSessionMaintenance();
                return bb.isDrained() && !f.events("backend.drained", "web/b").isEmpty();
            });
            assertThat(f.events("backend.drained", "web/b")).hasSize(1);
            assertThat(f.events("backend.draining", "web/b")).hasSize(1);
        }
    }

    @Test
    void aDrainWithADeadlineTakesNewFlowsUntilThen() throws Exception {
        try (FlakyOrigin a = new FlakyOrigin("a"); FlakyOrigin b = new FlakyOrigin("b");
             HealthFixture f = new HealthFixture()) {
            f.start(POOL.formatted(a.address(), b.address()));
            Backend bb = f.backend("web", "b");
            f.health().drain("web", "b", Duration.ofMillis(800), "ops");
            assertThat(f.events("backend.drain-scheduled", "web/b")).hasSize(1);
            if (bb.state() == BackendState.UP) {
                assertThat(f.spread(4)).containsKey("b");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> bb.state() == BackendState.DRAINING);
            assertThat(f.spread(6)).containsOnlyKeys("a");
            // The operator's drain survives a configuration reload.
            f.reload(POOL.formatted(a.address(), b.address()));
            assertThat(bb.state()).isEqualTo(BackendState.DRAINING);
            f.health().restore("web", "b", "ops");
            assertThat(bb.state()).isEqualTo(BackendState.UP);
        }
    }
}
