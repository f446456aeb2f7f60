package io.fulcrum.proxy.http;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.balance.PickContext;
import io.fulcrum.core.retry.RetryState;
import io.fulcrum.proxy.runtime.PoolRuntime;
import io.fulcrum.proxy.runtime.RouteRuntime;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Session stickiness of a route (requirements 2.1 item 5): the key a request is known by
 * (host and client IP, or the session cookie it presents), whether the backend bound to that
 * key may serve it again, the binding of a fresh choice, and the session cookie handed out
 * with a new session. The bindings live in the route's {@code StickyTable}; the only per-request
 * state, a newly made session id, stays with the request ({@link Exchange}).
 */
final class StickySessions {

    private static final String COOKIE_ATTRIBUTES = "; Path=/; HttpOnly; SameSite=Lax";

    private StickySessions() {
    }

    /** Source mode's key: the request's host and the client's IP. */
    static String sourceKey(String host, String clientIp) {
        return (host == null ? "" : host) + '|' + clientIp;
    }

    /** Cookie mode's key: the session id the request presents in the route's cookie, if well-formed; else null. */
    static String cookieKey(RouteRuntime route, PickContext request) {
        String id = request.cookie(route.stickiness().cookieName());
        return id != null && isSessionId(id) ? id : null;
    }

    /**
     * The backend bound to {@code key}, when it may serve this request: it still takes sticky
     * sessions (a draining backend keeps its own), the request has not tried it, and a reload
     * has not replaced it in the pool. Null otherwise (a fresh pick follows); a bound backend that
     * cannot serve it counts a redispatch.
     */
    static Backend bound(RouteRuntime route, PoolRuntime pool, String key, RetryState attempts, long nowNanos) {
        Backend b = route.sticky().lookup(key, nowNanos, route.stickyTimeoutNanos());
        if (b == null) {
            return null;
        }
        if (b.acceptsStickySession(nowNanos) && !attempts.wasTried(b) && pool.backend(b.name()) == b) {
            return b;
        }
        b.counters().redispatched();
        return null;
    }

    /** Binds {@code key} to the freshly picked {@code b} for the route's timeout. */
    static void bind(RouteRuntime route, String key, Backend b, long nowNanos) {
        route.sticky().store(key, b, nowNanos, route.stickyTimeoutNanos());
    }

    /** A new session id: 32 lowercase hexadecimal digits (128 random bits, the top bit of each half set). */
    static String newSessionId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }

    /** Whether {@code s} has the shape of an id this proxy hands out (anything else is ignored, not trusted). */
    static boolean isSessionId(String s) {
        if (s.length() != 32) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    /** The {@code Set-Cookie} value that hands session {@code id} to the client. */
    static String setCookie(RouteRuntime route, String id) {
        return route.stickiness().cookieName() + "=" + id + COOKIE_ATTRIBUTES;
    }
}
