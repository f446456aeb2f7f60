package io.fulcrum.l4.table;

import io.fulcrum.core.backend.Backend;

/**
 * One row of the connection table: a client flow through a VIP and port to a backend.
 *
 * <p>Written only on the flow's event loop (bytes, timestamp, state), which is also where
 * the table sweeps it; other threads (the admin view) read it racily, which is fine for a
 * report. State changes move the backend's counters in O(1).
 */
public final class FlowEntry {

    /** Closes the flow when the table purges it. */
    public interface Expiry {
        void expire(FlowEntry entry, String reason);
    }

    final String service;
    final String vip;
    final int port;
    final String protocol;
    /** Formatted only when the table is shown. */
    final java.net.InetSocketAddress client;
    final long startNanos;
    final long finNanos;
    final long activeLimitNanos;
    final Expiry expiry;
    volatile FlowState state = FlowState.ACTIVE;
    volatile Backend backend;
    volatile BackendFlowCounters counters;
    volatile boolean removed;
    /** Relayed by splice(2): no byte is seen, so only the FIN timeout applies. */
    volatile boolean spliced;
    /** Last byte or datagram either way ({@link System#nanoTime()}). */
    public long lastNanos;
    /** Bytes from the client (add with {@link #received}). */
    long bytesIn;
    /** Bytes to the client (add with {@link #sent}). */
    long bytesOut;

    /**
     * @param finNanos   FIN_TIME_OUT
     * @param idleNanos  idle timeout (0 = off)
     * @param staleNanos STALE_TIME_OUT
     */
    public FlowEntry(String service, String vip, int port, String protocol, java.net.InetSocketAddress client,
                     long nowNanos,
                     long finNanos, long idleNanos, long staleNanos, Expiry expiry) {
        this.service = service;
        this.vip = vip;
        this.port = port;
        this.protocol = protocol;
        this.client = client;
        this.startNanos = nowNanos;
        this.lastNanos = nowNanos;
        this.finNanos = finNanos;
        this.activeLimitNanos = idleNanos > 0 && idleNanos < staleNanos ? idleNanos : staleNanos;
        this.expiry = expiry;
    }

    public FlowState state() { return state; }

    /** {@code ip:port} of the client. */
    public String client() {
        return client.getAddress().getHostAddress() + ":" + client.getPort();
    }
    public Backend backend() { return backend; }

    /** The flow now goes to this backend: it counts as ACTIVE there. */
    public void assign(Backend b, BackendFlowCounters c) {
        if (removed || backend != null) {
            return;
        }
        backend = b;
        counters = c;
        b.requestStarted();
        c.opened.increment();
        // Bytes that came before a backend was chosen (the first packet) count for it too.
        if (bytesIn > 0) {
            c.bytesIn.add(bytesIn);
        }
        if (bytesOut > 0) {
            c.bytesOut.add(bytesOut);
        }
        if (state == FlowState.FIN) {
            c.fin.incrementAndGet();
        } else {
            c.active.incrementAndGet();
        }
    }

    /** {@code n} bytes came from the client; counted on the flow and on its backend. On the flow's event loop. */
    public void received(long n) {
        bytesIn += n;
        BackendFlowCounters c = counters;
        if (c != null && n > 0) {
            c.bytesIn.add(n);
        }
    }

    /** {@code n} bytes went to the client; counted on the flow and on its backend. On the flow's event loop. */
    public void sent(long n) {
        bytesOut += n;
        BackendFlowCounters c = counters;
        if (c != null && n > 0) {
            c.bytesOut.add(n);
        }
    }

    /** Bytes from the client so far. */
    public long bytesIn() {
        return bytesIn;
    }

    /** The flow is now relayed by splice(2). */
    public void spliced() {
        spliced = true;
    }

    /** A FIN was seen (first one either way): ACTIVE becomes FIN. */
    public void fin() {
        if (state == FlowState.FIN || removed) {
            return;
        }
        state = FlowState.FIN;
        BackendFlowCounters c = counters;
        if (c != null) {
            c.active.decrementAndGet();
            c.fin.incrementAndGet();
        }
    }

    /** Whether this entry is past its timeout at {@code now}, and why (or null). */
    String expiredReason(long now) {
        long idle = now - lastNanos;
        if (state == FlowState.FIN) {
            return idle >= finNanos ? "fin-timeout" : null;
        }
        return !spliced && idle >= activeLimitNanos ? "stale-timeout" : null;
    }

    /** Removed from the table: counts as completed. Idempotent. */
    boolean markRemoved() {
        if (removed) {
            return false;
        }
        removed = true;
        BackendFlowCounters c = counters;
        Backend b = backend;
        if (c != null) {
            if (state == FlowState.FIN) {
                c.fin.decrementAndGet();
            } else {
                c.active.decrementAndGet();
            }
            c.completed.increment();
        }
        if (b != null) {
            b.requestFinished();
        }
        return true;
    }
}
