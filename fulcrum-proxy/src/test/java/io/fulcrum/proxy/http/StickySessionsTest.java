package io.fulcrum.proxy.http;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.balance.PickContext;
import io.fulcrum.core.config.StickinessConfig;
import io.fulcrum.core.retry.RetryState;
import io.fulcrum.core.sticky.StickyTable;
import io.fulcrum.proxy.runtime.PoolRuntime;
import io.fulcrum.proxy.runtime.PoolRuntimes;
import io.fulcrum.proxy.runtime.RouteRuntime;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The stickiness rules alone; {@link StickinessTest} covers them over real sockets. */
class StickySessionsTest {

    private static final long NOW = 1_000_000_000_000L;
    private static final long HOUR = Duration.ofHours(1).toNanos();

    /** A request with cookies and no retries made yet. */
    private static final class Request extends RetryState {
        final Map<String, String> cookies = new HashMap<>();

        @Override
        public byte[] clientAddress() {
            return new byte[] {127, 0, 0, 1};
        }

        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public String cookie(String name) {
            return cookies.get(name);
        }
    }

    private final List<Backend> backends = List.of(new Backend("p", "a", "127.0.0.1", 8080, 0, 1),
            new Backend("p", "b", "127.0.0.2", 8080, 1, 1));
    private final PoolRuntime pool = PoolRuntimes.of(backends);
    private final RouteRuntime byCookie = new RouteRuntime("web", "r", pool,
            new StickinessConfig(true, "cookie", "SID", Duration.ofHours(1)), new StickyTable());

    @Test
    void sourceKeyJoinsHostAndClientIp() {
        assertThat(StickySessions.sourceKey("shop.example", "127.0.0.9")).isEqualTo("shop.example|127.0.0.9");
        assertThat(StickySessions.sourceKey(null, "127.0.0.9")).isEqualTo("|127.0.0.9");
    }

    @Test
    void cookieKeyIsTheRoutesCookieOnlyWhenItIsAnIdThisProxyCouldHaveMade() {
        Request r = new Request();
        assertThat(StickySessions.cookieKey(byCookie, r)).isNull();
        String id = StickySessions.newSessionId();
        r.cookies.put("SID", id);
        assertThat(StickySessions.cookieKey(byCookie, r)).isEqualTo(id);
        r.cookies.put("SID", "../../etc/passwd");
        assertThat(StickySessions.cookieKey(byCookie, r)).isNull();
        r.cookies.put("SID", id.toUpperCase());
        assertThat(StickySessions.cookieKey(byCookie, r)).isNull();
    }

    @Test
    void newSessionIdsAreThirtyTwoHexDigitsAndDiffer() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String id = StickySessions.newSessionId();
            assertThat(id).hasSize(32).matches("[0-9a-f]{32}");
            assertThat(StickySessions.isSessionId(id)).isTrue();
            seen.add(id);
        }
        assertThat(seen).hasSize(100);
    }

    @Test
    void aBoundBackendServesAgainUntilTriedEjectedOrReplaced() {
        Backend a = backends.get(0);
        StickySessions.bind(byCookie, "k", a, NOW);
        assertThat(StickySessions.bound(byCookie, pool, "k", new Request(), NOW)).isSameAs(a);
        assertThat(StickySessions.bound(byCookie, pool, "other", new Request(), NOW)).isNull();

        Request retrying = new Request();
        retrying.noteTried(a);
        assertThat(StickySessions.bound(byCookie, pool, "k", retrying, NOW)).as("tried").isNull();

        a.setState(BackendState.DRAINING);
        assertThat(StickySessions.bound(byCookie, pool, "k", new Request(), NOW)).as("draining keeps its own")
                .isSameAs(a);
        a.setState(BackendState.DOWN);
        assertThat(StickySessions.bound(byCookie, pool, "k", new Request(), NOW)).as("down").isNull();
        a.setState(BackendState.UP);

        Backend replaced = new Backend("p", "a", "127.0.0.1", 8080, 0, 1);
        StickySessions.bind(byCookie, "k", replaced, NOW);
        assertThat(StickySessions.bound(byCookie, pool, "k", new Request(), NOW)).as("not in the pool").isNull();

        StickySessions.bind(byCookie, "k", a, NOW);
        assertThat(StickySessions.bound(byCookie, pool, "k", new Request(), NOW + HOUR)).as("expired").isNull();
    }

    @Test
    void setCookieNamesTheRoutesCookieWithItsAttributes() {
        assertThat(StickySessions.setCookie(byCookie, "0123")).isEqualTo("SID=0123; Path=/; HttpOnly; SameSite=Lax");
    }
}
