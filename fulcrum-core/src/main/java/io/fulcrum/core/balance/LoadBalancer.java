package io.fulcrum.core.balance;

import io.fulcrum.core.backend.Backend;

/**
 * Picks the backend for a new request. Implementations are thread-safe, allocate
 * nothing per pick on the common path, and run in O(1) or O(log n).
 *
 * <p>Only backends that are {@link Backend#isSelectable selectable} are returned;
 * when no primary backend is, backup backends are considered; when none is either,
 * {@code null} is returned and the caller decides between queueing and 503.
 */
public interface LoadBalancer {

    /**
     * @param ctx what is known about the request (client address, headers, cookies) and the current time
     * @return the chosen backend, or {@code null} when no backend can take the request
     */
    Backend pick(PickContext ctx);

    /** The algorithm's registered name, e.g. {@code maglev}. */
    String name();
}
