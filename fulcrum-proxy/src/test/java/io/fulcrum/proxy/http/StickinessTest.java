package io.fulcrum.proxy.http;

import io.fulcrum.proxy.testing.TestConfigs;
import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.StickinessConfig;
import io.fulcrum.core.sticky.StickyTable;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.testsupport.RawHttp;
import io.fulcrum.proxy.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.listener;
import static io.fulcrum.proxy.testing.TestConfigs.poolWithRetries;
import static io.fulcrum.proxy.testing.TestConfigs.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Session stickiness (requirements 2.1 item 5) and graceful drain (item 6) over real sockets. */
class StickinessTest {

    private final ProxyFixture f = new ProxyFixture();

    @AfterEach
    void stop() {
        f.close();
    }

    private void start(String mode, Duration timeout) throws Exception {
        TestBackend a = f.backend("a");
        TestBackend b = f.backend("b");
        TestBackend c = f.backend("c");
        var route = new RouteConfig("r", null, "p", new StickinessConfig(true, mode, "SID", timeout));
        f.start(TestConfigs.single(listener(List.of(route)), poolWithRetries("p", "round-robin", 2, List.of(backend(a, 1), backend(b, 1),
                        backend(c, 1)))));
    }

    private StickyTable table() {
        return f.proxy().runtime().listeners().get("web").routes().getFirst().sticky();
    }

    private String getFrom(String localIp) throws Exception {
        try (RawHttp c = new RawHttp(f.address(), localIp)) {
            return c.send("GET / HTTP/1.1\r\nHost: shop.example\r\n\r\n").read().body();
        }
    }

    @Test
    void sourceStickinessKeepsAClientOnOneBackendAndSpreadsClients() throws Exception {
        start("source", Duration.ofHours(1));
        String first = getFrom("127.0.3.1");
        for (int i = 0; i < 20; i++) {
            assertThat(getFrom("127.0.3.1")).isEqualTo(first);
        }
        Set<String> others = new HashSet<>();
        for (int i = 2; i < 12; i++) {
            others.add(getFrom("127.0.3." + i));
        }
        assertThat(others).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(table().size()).isEqualTo(11);
    }

    @Test
    void stickySessionMovesWhenItsBackendDiesAndStaysMoved() throws Exception {
        start("source", Duration.ofHours(1));
        String first = getFrom("127.0.4.1");
        // Killed without telling the proxy: it must notice by itself (connect failure, retry).
        f.backendNamed(first).kill();
        String moved = getFrom("127.0.4.1");
        assertThat(moved).isNotEqualTo(first);
        for (int i = 0; i < 10; i++) {
            assertThat(getFrom("127.0.4.1")).isEqualTo(moved);
        }
    }

    @Test
    void failedBackendsEntriesAreRemovedByMaintenance() throws Exception {
        start("source", Duration.ofHours(1));
        for (int i = 1; i <= 9; i++) {
            getFrom("127.0.5." + i);
        }
        Backend a = f.proxy().backend("p", "a");
        // Round robin keeps a cursor per event loop, so the split over clients need not be exactly even.
        int onA = table().countFor(a);
        assertThat(onA).isPositive();
        assertThat(table().size()).isEqualTo(9);
        a.setState(BackendState.DOWN);
        f.proxy().runSessionMaintenance();
        assertThat(table().countFor(a)).isZero();
        assertThat(table().size()).isEqualTo(9 - onA);
    }

    @Test
    void cookieStickinessSetsACookieAndFollowsIt() throws Exception {
        start("cookie", Duration.ofHours(1));
        String cookie;
        String first;
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response r = c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
            first = r.body();
            String setCookie = r.header("set-cookie");
            assertThat(setCookie).startsWith("SID=").contains("Path=/").contains("HttpOnly");
            cookie = setCookie.substring(0, setCookie.indexOf(';'));
            for (int i = 0; i < 12; i++) {
                RawHttp.Response again = c.send("GET / HTTP/1.1\r\nHost: x\r\nCookie: a=1; " + cookie + "\r\n\r\n")
                        .read();
                assertThat(again.body()).isEqualTo(first);
                assertThat(again.header("set-cookie")).as("no new cookie on a hit").isNull();
            }
            // Without the cookie, round robin spreads requests and each gets a cookie of its own.
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                seen.add(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().body());
            }
            assertThat(seen).hasSize(3);
        }
    }

    @Test
    void aHitRefreshesTheExpiryAndIdleEntriesExpire() throws Exception {
        start("source", Duration.ofMillis(600));
        String first = getFrom("127.0.6.1");
        long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        while (System.nanoTime() < end) {
            Thread.sleep(150);
            assertThat(getFrom("127.0.6.1")).as("refreshed by each hit").isEqualTo(first);
        }
        assertThat(table().size()).isEqualTo(1);
        // Left alone longer than the timeout, the entry is purged by the periodic maintenance (100 ms here).
        await().atMost(Duration.ofSeconds(3)).until(() -> table().size() == 0);
    }

    @Test
    void drainingBackendKeepsItsSessionsTakesNoNewOnesAndIsReportedDrained() throws Exception {
        start("source", Duration.ofMillis(800));
        String stuck = getFrom("127.0.7.1");
        Backend draining = f.proxy().backend("p", stuck);
        draining.setState(BackendState.DRAINING);
        for (int i = 0; i < 5; i++) {
            assertThat(getFrom("127.0.7.1")).as("existing session stays").isEqualTo(stuck);
        }
        for (int i = 2; i < 20; i++) {
            assertThat(getFrom("127.0.7." + i)).as("new sessions avoid the draining backend").isNotEqualTo(stuck);
        }
        f.proxy().runSessionMaintenance();
        assertThat(draining.isDrained()).as("sessions still alive").isFalse();
        await().atMost(Duration.ofSeconds(5)).until(draining::isDrained);
        assertThat(table().countFor(draining)).isZero();
    }
}
