package io.fulcrum.cluster.stats;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.proxy.runtime.PoolRuntime;
import io.fulcrum.proxy.runtime.RuntimeState;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns the running totals of every backend (its own counters, the {@link TrafficRecorder}'s,
 * TCP_INFO) into one interval's {@link NodeStats}: the difference since the previous call,
 * per second. One caller thread (the publisher's).
 */
public final class StatsCollector {

    /** Totals of one backend at the previous call. */
    private record Totals(long flows, long requests, long bytesIn, long bytesOut, long errors, long retransmits) {
    }

    private final String node;
    private final Supplier<RuntimeState> runtime;
    private final TrafficRecorder recorder;
    private final java.util.function.IntSupplier clientConnections;
    private final Map<Backend, Totals> previous = new IdentityHashMap<>();
    private long previousMillis;

    /**
     * @param node     this node's name
     * @param runtime  the proxy's current runtime (pools and their live backends)
     * @param recorder the bytes, errors and latencies of finished requests
     */
    public StatsCollector(String node, Supplier<RuntimeState> runtime, TrafficRecorder recorder) {
        this(node, runtime, recorder, () -> 0);
    }

    /**
     * @param clientConnections the client connections open to the node's proxy now
     */
    public StatsCollector(String node, Supplier<RuntimeState> runtime, TrafficRecorder recorder,
                          java.util.function.IntSupplier clientConnections) {
        this.node = node;
        this.runtime = runtime;
        this.recorder = recorder;
        this.clientConnections = clientConnections;
    }

    /** The numbers since the previous call (the first call covers the time since the backends appeared). */
    public NodeStats collect(long epochMillis) {
        long interval = previousMillis == 0 ? 0 : Math.max(1, epochMillis - previousMillis);
        previousMillis = epochMillis;
        double perSecond = interval == 0 ? 0 : 1000.0 / interval;
        List<BackendStats> out = new ArrayList<>();
        Set<Backend> live = Collections.newSetFromMap(new IdentityHashMap<>());
        for (PoolRuntime p : runtime.get().pools().values()) {
            for (Backend b : p.backends()) {
                live.add(b);
                TrafficRecorder.Counters c = recorder.counters(b);
                Totals now = new Totals(b.connectionsOpened(), b.totalRequests(), c.bytesIn.sum(), c.bytesOut.sum(),
                        c.errors.sum(), b.tcpRetransmits());
                Totals was = previous.getOrDefault(b, now);
                previous.put(b, now);
                Histogram h = c.latency.getIntervalHistogram(c.spare);
                c.spare = h;
                boolean any = h.getTotalCount() > 0;
                out.add(new BackendStats(p.name(), b.name(),
                        (now.flows - was.flows) * perSecond, b.openConnections(),
                        (now.requests - was.requests) * perSecond,
                        (now.bytesIn - was.bytesIn) * perSecond, (now.bytesOut - was.bytesOut) * perSecond,
                        (now.errors - was.errors) * perSecond,
                        any ? h.getValueAtPercentile(50) / 1000.0 : 0,
                        any ? h.getValueAtPercentile(90) / 1000.0 : 0,
                        any ? h.getValueAtPercentile(99) / 1000.0 : 0,
                        b.tcpRttMicros() / 1000.0,
                        (now.retransmits - was.retransmits) * perSecond, b.weight()));
            }
        }
        previous.keySet().retainAll(live);
        recorder.retain(live);
        return new NodeStats(node, epochMillis, interval, out, clientConnections.getAsInt());
    }
}
