package io.fulcrum.l4.table;

import io.fulcrum.core.l4.ConnectionTableSource.ConnectionEntry;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The L4 router's connection table: every live TCP connection and UDP session, with its
 * state (ACTIVE, FIN), timestamps, bytes and backend.
 *
 * <p>One shard per event loop: a flow is added, updated, swept and removed on its own loop,
 * so adding and removing are O(1) hash-set operations without contention. Each shard sweeps
 * itself periodically and expires entries past FIN_TIME_OUT (FIN) or STALE_TIME_OUT / the
 * idle timeout (ACTIVE); expiring closes the flow, and closing removes the entry.
 */
public final class ConnectionTable {

    private final Map<EventLoop, Shard> shards = new ConcurrentHashMap<>();
    private volatile long sweepNanos;
    private volatile boolean closed;

    /** @param sweepNanos how often each shard looks for expired entries */
    public ConnectionTable(long sweepNanos) {
        this.sweepNanos = sweepNanos;
    }

    /** Changes the sweep period (takes effect at each shard's next sweep). */
    public void sweepEvery(long nanos) {
        this.sweepNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(5), nanos);
    }

    /** Adds a flow; call on {@code loop}. */
    public void add(EventLoop loop, FlowEntry e) {
        shards.computeIfAbsent(loop, Shard::new).entries.add(e);
    }

    /** Removes a flow (it counts as completed); idempotent; call on {@code loop}. */
    public void remove(EventLoop loop, FlowEntry e) {
        if (e.markRemoved()) {
            Shard s = shards.get(loop);
            if (s != null) {
                s.entries.remove(e);
            }
        }
    }

    /**
     * Closes every flow that goes to {@code backend}, each on its own event loop: a failed
     * backend's connection entries are purged at once so that its clients reconnect elsewhere.
     */
    public void closeFlowsTo(io.fulcrum.core.backend.Backend backend, String reason) {
        for (Shard s : shards.values()) {
            s.loop.execute(() -> {
                for (FlowEntry e : s.entries) {
                    if (e.backend == backend) {
                        e.expiry.expire(e, reason);
                    }
                }
            });
        }
    }

    /** Number of live flows. */
    public int size() {
        int n = 0;
        for (Shard s : shards.values()) {
            n += s.entries.size();
        }
        return n;
    }

    /** Up to {@code limit} entries, oldest first. */
    public List<ConnectionEntry> snapshot(int limit) {
        long now = System.nanoTime();
        List<FlowEntry> all = new ArrayList<>();
        for (Shard s : shards.values()) {
            all.addAll(s.entries);
        }
        all.sort(Comparator.comparingLong(e -> e.startNanos));
        List<ConnectionEntry> out = new ArrayList<>(Math.min(limit, all.size()));
        for (FlowEntry e : all) {
            if (out.size() >= limit) {
                break;
            }
            var b = e.backend;
            out.add(new ConnectionEntry(e.service, e.vip, e.port, e.protocol, e.client(),
                    b == null ? "" : b.pool() + "/" + b.name(), e.state.name(),
                    TimeUnit.NANOSECONDS.toMillis(now - e.startNanos),
                    Math.max(0, TimeUnit.NANOSECONDS.toMillis(now - e.lastNanos)), e.bytesIn, e.bytesOut));
        }
        return out;
    }

    /** Stops sweeping. */
    public void close() {
        closed = true;
        shards.values().forEach(s -> {
            ScheduledFuture<?> f = s.timer;
            if (f != null) {
                f.cancel(false);
            }
        });
    }

    /** The flows of one event loop. */
    private final class Shard {
        final EventLoop loop;
        final Set<FlowEntry> entries = ConcurrentHashMap.newKeySet();
        ScheduledFuture<?> timer;

        Shard(EventLoop loop) {
            this.loop = loop;
            schedule();
        }

        private void schedule() {
            if (!closed && !loop.isShuttingDown()) {
                timer = loop.schedule(this::sweep, sweepNanos, TimeUnit.NANOSECONDS);
            }
        }

        private void sweep() {
            long now = System.nanoTime();
            for (FlowEntry e : entries) {
                String reason = e.expiredReason(now);
                if (reason != null) {
                    e.expiry.expire(e, reason);
                }
            }
            schedule();
        }
    }
}
