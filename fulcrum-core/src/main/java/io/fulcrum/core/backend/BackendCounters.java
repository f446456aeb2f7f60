package io.fulcrum.core.backend;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The traffic and state history of one {@link Backend} that operators read on the stats page
 * (in the manner of HAProxy's per-server columns): the most requests it served at once, bytes
 * and answers by status class, retries and redispatches away from it, active health checks by result and the time they took, and when its state last
 * changed and how long it has been down in all. Bumped by the proxy on its event loops and by
 * the backend itself; read from anywhere. Counts start when the backend object is made and a
 * reload that keeps the backend keeps them.
 */
public final class BackendCounters {

    private final AtomicInteger maxActive = new AtomicInteger();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    /** Index 0: no status or outside 100..599; 1..5: 1xx..5xx. */
    private final LongAdder[] byClass = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(),
        new LongAdder(), new LongAdder()};
    private final LongAdder retries = new LongAdder();
    private final LongAdder redispatches = new LongAdder();
    private final LongAdder checksPassed = new LongAdder();
    private final LongAdder checksFailed = new LongAdder();
    private final LongAdder checkNanos = new LongAdder();

    private final Object stateLock = new Object();
    private long lastChangeNanos = System.nanoTime();
    private long downSinceNanos;
    private boolean down;
    private long downNanos;
    private int downTransitions;

    /** A request started while {@code active} were in flight (this one included). */
    void started(int active) {
        int max = maxActive.get();
        while (active > max && !maxActive.compareAndSet(max, active)) {
            max = maxActive.get();
        }
    }

    /** The most requests (or L4 flows) it served at once. */
    public int maxActive() {
        return maxActive.get();
    }

    /**
     * A request this backend served last has finished.
     *
     * @param status   the status sent to the client (0 when none)
     * @param bytesIn  request body bytes received from the client
     * @param bytesOut response body bytes sent to the client
     */
    public void finished(int status, long bytesIn, long bytesOut) {
        byClass[statusClass(status)].increment();
        if (bytesIn > 0) {
            this.bytesIn.add(bytesIn);
        }
        if (bytesOut > 0) {
            this.bytesOut.add(bytesOut);
        }
    }

    /** Request body bytes of the requests it served. */
    public long bytesIn() {
        return bytesIn.sum();
    }

    /** Response body bytes of the requests it served. */
    public long bytesOut() {
        return bytesOut.sum();
    }

    /**
     * Requests it served that ended with a status of this class.
     *
     * @param statusClass 1 to 5 for 1xx..5xx, 0 for none or another value
     */
    public long responses(int statusClass) {
        return byClass[statusClass].sum();
    }

    /** An attempt at this backend failed and the request was sent to another one. */
    public void retried() {
        retries.increment();
    }

    /** Failed attempts at this backend that were retried on another. */
    public long retries() {
        return retries.sum();
    }

    /** A request bound to this backend by stickiness could not be served by it and went to another. */
    public void redispatched() {
        redispatches.increment();
    }

    /** Sticky requests that went to another backend because this one could not take them. */
    public long redispatches() {
        return redispatches.sum();
    }

    /** An active health check finished (any type), taking {@code totalNanos} (negative: not measured). */
    void checked(boolean ok, long totalNanos) {
        (ok ? checksPassed : checksFailed).increment();
        if (totalNanos > 0) {
            checkNanos.add(totalNanos);
        }
    }

    /** Active health checks that passed. */
    public long checksPassed() {
        return checksPassed.sum();
    }

    /** Active health checks that failed. */
    public long checksFailed() {
        return checksFailed.sum();
    }

    /** Time spent in all active health checks, passed and failed, in nanoseconds. */
    public long checkNanos() {
        return checkNanos.sum();
    }

    /** The effective state has just become {@code state}. */
    void stateChanged(BackendState state, long nowNanos) {
        synchronized (stateLock) {
            lastChangeNanos = nowNanos;
            boolean nowDown = state == BackendState.DOWN;
            if (nowDown && !down) {
                downSinceNanos = nowNanos;
                downTransitions++;
            } else if (!nowDown && down) {
                downNanos += nowNanos - downSinceNanos;
            }
            down = nowDown;
        }
    }

    /** Nanoseconds since the effective state last changed (since the backend was made, before any change). */
    public long sinceLastChangeNanos(long nowNanos) {
        synchronized (stateLock) {
            return nowNanos - lastChangeNanos;
        }
    }

    /** Nanoseconds spent DOWN (failed health checks) in all, the current spell included. */
    public long downNanos(long nowNanos) {
        synchronized (stateLock) {
            return downNanos + (down ? nowNanos - downSinceNanos : 0);
        }
    }

    /** How many times it went DOWN. */
    public int downTransitions() {
        synchronized (stateLock) {
            return downTransitions;
        }
    }

    /** 1..5 for 1xx..5xx, 0 for anything else. */
    public static int statusClass(int status) {
        int c = status / 100;
        return c >= 1 && c <= 5 ? c : 0;
    }
}
