package io.fulcrum.core.retry;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.balance.LoadBalancer;
import io.fulcrum.core.balance.PickContext;

import java.util.List;

/**
 * The attempts of one request (HTTP) or one connection (L4) at the pool's backends: which
 * backends it has tried, how many attempts it made, and a pick that skips the tried ones.
 * It is the balancer's {@link PickContext} too, since the moment of the pick is part of it.
 *
 * <p>A base class rather than a field: the request or flow object carries this state in its
 * own fields, so it costs no extra object per request. The first backend tried is kept in a
 * field and only a retry makes the array for the rest. Not thread-safe: one request or flow
 * is handled on one event loop.
 */
public abstract class RetryState implements PickContext {

    /** Backends remembered beyond the first; more than the retries the configuration allows. */
    static final int MAX_RETRIED = 12;

    private Backend firstTried;
    private Backend[] retried;
    private int attempts;
    private long pickNanos;

    /** For subclasses: the request or flow object that carries this state. */
    protected RetryState() {
    }

    /** Attempts made so far (each backend tried counts one). */
    public final int attempts() {
        return attempts;
    }

    /** Whether another attempt is allowed after those made, with {@code retries} further attempts configured. */
    public final boolean mayRetry(int retries) {
        return attempts <= retries;
    }

    /** Whether this request or flow already tried {@code b}. */
    public final boolean wasTried(Backend b) {
        if (attempts == 0) {
            return false;
        }
        if (firstTried == b) {
            return true;
        }
        for (int i = 0; i < attempts - 1 && i < MAX_RETRIED; i++) {
            if (retried[i] == b) {
                return true;
            }
        }
        return false;
    }

    /** Counts an attempt at {@code b}, which later picks then skip. */
    public final void noteTried(Backend b) {
        if (attempts == 0) {
            firstTried = b;
        } else if (attempts - 1 < MAX_RETRIED) {
            if (retried == null) {
                retried = new Backend[MAX_RETRIED];
            }
            retried[attempts - 1] = b;
        }
        attempts++;
    }

    /** Sets the moment of the pick that follows, as the balancer sees it ({@link #nowNanos()}). */
    public final void pickAt(long nowNanos) {
        pickNanos = nowNanos;
    }

    /**
     * Asks the balancer up to {@code rounds} times for a backend not tried yet; when it keeps
     * answering tried ones (a hashing balancer answers the same backend every time), takes the
     * first selectable untried one of {@code fallback}, if given.
     *
     * @param fallback the backends to scan after the rounds, or null for none
     * @return that backend, or null when the balancer has none or no untried one was found
     */
    public final Backend pickUntried(LoadBalancer balancer, int rounds, List<Backend> fallback) {
        for (int i = 0; i < rounds; i++) {
            Backend b = balancer.pick(this);
            if (b == null) {
                return null;
            }
            if (!wasTried(b)) {
                return b;
            }
        }
        if (fallback != null) {
            for (Backend b : fallback) {
                if (b.isSelectable(pickNanos) && !wasTried(b)) {
                    return b;
                }
            }
        }
        return null;
    }

    @Override
    public final long nowNanos() {
        return pickNanos;
    }
}
