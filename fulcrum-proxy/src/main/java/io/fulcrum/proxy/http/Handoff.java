package io.fulcrum.proxy.http;

/**
 * The GSLB redirect hand-off (requirements 2.5 item 6): consulted only when a request cannot be
 * served here (no healthy backend, or every backend at its max connections with a full
 * queue), never for a request that is accepted normally. Set on the
 * {@link io.fulcrum.proxy.ProxyServer}; the default sends no one away.
 *
 * <p>Called on an event loop: implementations must answer from memory, without blocking.
 */
@FunctionalInterface
public interface Handoff {

    /** Answers every request with the 503 it would get anyway. */
    Handoff NONE = (listener, host, uri) -> null;

    /**
     * Where to send this request instead, or {@code null} to refuse it (503).
     *
     * @param listener the listener the request came in on
     * @param host     the request's host (may be {@code null})
     * @param uri      the request target as received (path and query)
     */
    Redirect redirect(String listener, String host, String uri);

    /**
     * A redirect answer.
     *
     * @param status   302 or 307
     * @param location the absolute URL for the {@code Location} header
     */
    record Redirect(int status, String location) {
    }
}
