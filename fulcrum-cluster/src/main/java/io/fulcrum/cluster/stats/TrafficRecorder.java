package io.fulcrum.cluster.stats;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.proxy.observe.ExchangeObserver;
import io.fulcrum.proxy.runtime.ListenerRuntime;
import io.fulcrum.proxy.runtime.RouteRuntime;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts, per backend, what the backend's own counters do not: body bytes each way, failed
 * requests, and latencies (an HdrHistogram recorder whose interval histogram the collector
 * swaps each publication). Chained before the observer already set on the proxy (the admin
 * metrics), which it calls first.
 *
 * <p>On the event loops: one map lookup by identity, adders, a wait-free recorder.
 */
public final class TrafficRecorder implements ExchangeObserver {

    /** Latencies in microseconds, up to one hour, 2 significant digits. */
    private static final long HIGHEST = 3_600_000_000L;

    /** The running totals of one backend. */
    static final class Counters {
        final LongAdder bytesIn = new LongAdder();
        final LongAdder bytesOut = new LongAdder();
        final LongAdder errors = new LongAdder();
        final Recorder latency = new Recorder(HIGHEST, 2);
        Histogram spare;
    }

    private volatile ExchangeObserver next;
    private final Map<Backend, Counters> counters = new ConcurrentHashMap<>();

    /** @param next the observer that was set before ({@code null}: none) */
    public TrafficRecorder(ExchangeObserver next) {
        this.next = next;
    }

    /** The observer this one passes every request on to ({@code null}: none). */
    public ExchangeObserver next() {
        return next;
    }

    /** Passes every request on to {@code observer} from now on (the admin service set another one). */
    public void next(ExchangeObserver observer) {
        this.next = observer == this ? null : observer;
    }

    @Override
    public void exchangeFinished(ListenerRuntime listener, RouteRuntime route, Backend backend, int status,
                                 long totalNanos, long backendMicros, long bytesIn, long bytesOut) {
        if (next != null) {
            next.exchangeFinished(listener, route, backend, status, totalNanos, backendMicros, bytesIn, bytesOut);
        }
        if (backend == null) {
            return;
        }
        Counters c = counters(backend);
        if (bytesIn > 0) {
            c.bytesIn.add(bytesIn);
        }
        if (bytesOut > 0) {
            c.bytesOut.add(bytesOut);
        }
        if (status >= 500) {
            c.errors.increment();
        }
        c.latency.recordValue(Math.max(0, Math.min(totalNanos / 1000, HIGHEST)));
    }

    Counters counters(Backend b) {
        return counters.computeIfAbsent(b, x -> new Counters());
    }

    /** Forgets the backends no longer in use (the collector passes the live ones). */
    void retain(java.util.Set<Backend> live) {
        counters.keySet().retainAll(live);
    }
}
