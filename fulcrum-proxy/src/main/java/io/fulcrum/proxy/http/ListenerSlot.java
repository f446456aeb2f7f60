package io.fulcrum.proxy.http;

import io.fulcrum.proxy.log.AccessLog;
import io.fulcrum.proxy.observe.ListenerCounters;
import io.fulcrum.proxy.observe.ExchangeObserver;
import io.fulcrum.proxy.runtime.ListenerRuntime;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live handle of one listener: the data plane reads the current compiled
 * listener from here per request, so a reload takes effect without touching
 * open connections.
 */
public final class ListenerSlot {

    private volatile ListenerRuntime runtime;
    private volatile AccessLog accessLog;
    private volatile boolean draining;
    private volatile Handoff handoff = Handoff.NONE;
    private volatile ExchangeObserver observer;
    private final AtomicInteger connections = new AtomicInteger();
    private final ListenerCounters counters = new ListenerCounters();

    public ListenerSlot(ListenerRuntime runtime, AccessLog accessLog) {
        this.runtime = runtime;
        this.accessLog = accessLog;
    }

    public ListenerRuntime runtime() { return runtime; }

    public void update(ListenerRuntime runtime, AccessLog accessLog) {
        this.runtime = runtime;
        this.accessLog = accessLog;
    }

    public AccessLog accessLog() { return accessLog; }

    /** Who is told about finished requests, or {@code null}. */
    public ExchangeObserver observer() { return observer; }

    public void observer(ExchangeObserver observer) { this.observer = observer; }

    /** Open client connections. */
    public int connections() { return connections.get(); }

    /** What this listener has done since it was bound (kept across reloads), for the stats page. */
    public ListenerCounters counters() { return counters; }

    /** Counts a new connection; false (and nothing counted) when the listener's connection limit is reached. */
    public boolean tryOpen() {
        int max = runtime.config().limits().maxConnections();
        int n = connections.incrementAndGet();
        if (max > 0 && n > max) {
            connections.decrementAndGet();
            counters.refusedAtLimit();
            return false;
        }
        counters.accepted(n);
        return true;
    }

    /** A connection counted by {@link #tryOpen()} ended. */
    public void closed() { connections.decrementAndGet(); }

    /** Graceful shutdown has begun: finish the request in flight, then close. */
    public boolean draining() { return draining; }

    public void startDraining() { this.draining = true; }

    /** The GSLB redirect hand-off for requests this listener cannot serve. */
    public Handoff handoff() { return handoff; }

    public void handoff(Handoff handoff) { this.handoff = handoff == null ? Handoff.NONE : handoff; }
}
