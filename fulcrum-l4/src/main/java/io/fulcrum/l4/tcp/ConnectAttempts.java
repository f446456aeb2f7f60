package io.fulcrum.l4.tcp;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.retry.RetryState;
import io.fulcrum.l4.service.L4ListenerRuntime;

import java.net.InetSocketAddress;

/**
 * The connect attempts of one TCP flow (either relay): the pick of a backend the flow has not
 * failed on, and a failed connect counted for passive health before the next attempt. The
 * balancer sees the client's address only (no headers or cookies at L4).
 */
public abstract class ConnectAttempts extends RetryState {

    private byte[] clientAddress;

    /** For the flow classes. */
    protected ConnectAttempts() {
    }

    /** The client as the flow knows it (the TCP peer, or what a PROXY header named). */
    protected abstract InetSocketAddress clientSource();

    /**
     * The balancer's choice among the backends this flow has not tried, counted as an attempt.
     *
     * @return that backend, or null when none can take the flow
     */
    protected final Backend pickBackend(L4ListenerRuntime rt) {
        pickAt(System.nanoTime());
        Backend b = pickUntried(rt.balancer(), rt.backends().size() + 1, null);
        if (b != null) {
            noteTried(b);
        }
        return b;
    }

    /**
     * A connect to {@code b} failed: the pool's outlier ejection applies to L4 too, so a dead
     * backend stops being picked first.
     *
     * @return whether another backend may be tried
     */
    protected final boolean retryAfterFailedConnect(L4ListenerRuntime rt, Backend b) {
        rt.ejection().recordFailure(b, System.nanoTime());
        return mayRetry(rt.retries());
    }

    @Override
    public final byte[] clientAddress() {
        byte[] a = clientAddress;
        if (a == null) {
            a = clientSource().getAddress().getAddress();
            clientAddress = a;
        }
        return a;
    }

    @Override
    public final String header(String name) {
        return null;
    }

    @Override
    public final String cookie(String name) {
        return null;
    }
}
