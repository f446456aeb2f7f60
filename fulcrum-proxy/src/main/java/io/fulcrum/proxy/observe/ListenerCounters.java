package io.fulcrum.proxy.observe;

import io.fulcrum.core.backend.BackendCounters;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one HTTP listener has done since it was bound, for the stats page (HAProxy's frontend
 * columns): the most client connections open at once, connections accepted and refused at the
 * limit, requests by status class, body bytes each way, and errors the proxy answered itself.
 * It lives on the listener's slot, so a reload that keeps the listener keeps its counts. Bumped
 * on the event loops, read from anywhere.
 */
public final class ListenerCounters {

    private final AtomicInteger maxConnections = new AtomicInteger();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder refused = new LongAdder();
    /** Index 0: no status or outside 100..599; 1..5: 1xx..5xx. */
    private final LongAdder[] byClass = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(),
        new LongAdder(), new LongAdder()};
    private final LongAdder requests = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder errors = new LongAdder();

    /** A client connection was let in, {@code open} being open now (this one included). */
    public void accepted(int open) {
        accepted.increment();
        int max = maxConnections.get();
        while (open > max && !maxConnections.compareAndSet(max, open)) {
            max = maxConnections.get();
        }
    }

    /** A client connection was closed at once: the listener's connection limit was reached. */
    public void refusedAtLimit() {
        refused.increment();
    }

    /**
     * A request is done.
     *
     * @param status     the status sent to the client (499 when it went away first)
     * @param bytesIn    request body bytes received
     * @param bytesOut   response body bytes sent
     * @param proxyError whether the proxy answered with an error of its own (no backend answer to relay)
     */
    public void finished(int status, long bytesIn, long bytesOut, boolean proxyError) {
        requests.increment();
        byClass[BackendCounters.statusClass(status)].increment();
        if (bytesIn > 0) {
            this.bytesIn.add(bytesIn);
        }
        if (bytesOut > 0) {
            this.bytesOut.add(bytesOut);
        }
        if (proxyError) {
            errors.increment();
        }
    }

    /** The most client connections open at once. */
    public int maxConnections() {
        return maxConnections.get();
    }

    /** Client connections let in. */
    public long accepted() {
        return accepted.sum();
    }

    /** Client connections refused at the connection limit. */
    public long refused() {
        return refused.sum();
    }

    /** Requests finished. */
    public long requests() {
        return requests.sum();
    }

    /**
     * Requests that ended with a status of this class.
     *
     * @param statusClass 1 to 5 for 1xx..5xx, 0 for none or another value
     */
    public long responses(int statusClass) {
        return byClass[statusClass].sum();
    }

    /** Request body bytes received. */
    public long bytesIn() {
        return bytesIn.sum();
    }

    /** Response body bytes sent. */
    public long bytesOut() {
        return bytesOut.sum();
    }

    /** Requests the proxy answered with an error of its own (no backend, bad request, timeout, backend failure). */
    public long errors() {
        return errors.sum();
    }
}
