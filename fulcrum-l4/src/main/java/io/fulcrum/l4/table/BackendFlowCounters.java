package io.fulcrum.l4.table;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-backend counters of one L4 listener: connections ACTIVE, in FIN, completed and opened
 * in all, and the bytes relayed each way (bytes relayed by splice(2) are not seen, so not
 * counted). Thread-safe.
 */
public final class BackendFlowCounters {

    private final String service;
    private final String pool;
    private final String backend;
    final AtomicLong active = new AtomicLong();
    final AtomicLong fin = new AtomicLong();
    final LongAdder completed = new LongAdder();
    final LongAdder opened = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();

    public BackendFlowCounters(String service, String pool, String backend) {
        this.service = service;
        this.pool = pool;
        this.backend = backend;
    }

    public String service() { return service; }
    public String pool() { return pool; }
    public String backend() { return backend; }
    public long active() { return active.get(); }
    public long fin() { return fin.get(); }
    public long completed() { return completed.sum(); }
    /** Flows sent to this backend since the counters were made. */
    public long opened() { return opened.sum(); }
    /** Bytes from the clients of its flows. */
    public long bytesIn() { return bytesIn.sum(); }
    /** Bytes to the clients of its flows. */
    public long bytesOut() { return bytesOut.sum(); }

    /** A flow tracked outside this package (the packet path's table) became ACTIVE here. */
    public void flowOpened() {
        active.incrementAndGet();
        opened.increment();
    }

    /** Such a flow went from ACTIVE to FIN. */
    public void flowFinishing() {
        active.decrementAndGet();
        fin.incrementAndGet();
    }

    /** Such a flow left the table ({@code inFin}: it was in FIN): it counts as completed. */
    public void flowClosed(boolean inFin) {
        (inFin ? fin : active).decrementAndGet();
        completed.increment();
    }
}
