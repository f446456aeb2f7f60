package io.fulcrum.core.backend;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live state of one backend server: identity, weight, state, and the counters the
 * balancers read. Thread-safe; the hot-path reads are plain volatile reads.
 *
 * <p>Selection-relevant changes (state, weight, ejection) bump {@link #version()}
 * and notify listeners, so balancers that precompute tables can rebuild lazily.
 */
public final class Backend {

    private final String pool;
    private final String name;
    private final String host;
    private final int port;
    private final int index;

    private volatile int configuredWeight;
    private volatile int weight;
    private volatile int maxConnections;
    private volatile String site;
    private volatile String hostName;
    private volatile Map<String, String> labels;
    /** Effective state read by the balancers: the administrative state, or DOWN while health checks fail. */
    private volatile BackendState state;
    /** State set by the configuration or an operator. */
    private volatile BackendState adminState;
    /** Verdict of the active health checks (true until a monitor says otherwise). */
    private volatile boolean healthy = true;
    private volatile String healthReason = "";
    private volatile boolean drained;
    private volatile WeightOrigin weightOrigin = WeightOrigin.CONFIGURED;
    private volatile String weightReason = "";
    private volatile CheckReport lastCheck;
    /** Resolved once, off the event loops (name resolution may block). */
    private volatile java.net.InetSocketAddress socketAddress;

    private final AtomicInteger activeRequests = new AtomicInteger();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final LongAdder connectionsOpened = new LongAdder();
    /** Smoothed TCP round-trip time of its connections (from TCP_INFO), in microseconds; 0 = no sample. */
    private volatile long tcpRttMicros;
    private final LongAdder tcpRetransmits = new LongAdder();
    private final LongAdder totalRequests = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final AtomicLong version = new AtomicLong();
    private final BackendCounters counters = new BackendCounters();

    /** Exponentially weighted moving average of response time, in nanoseconds; 0 = no sample yet. */
    private volatile long ewmaNanos;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicInteger ejections = new AtomicInteger();
    private volatile long ejectedUntilNanos;

    private final CopyOnWriteArrayList<BackendListener> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param pool   the pool this backend belongs to
     * @param name   name within the pool
     * @param host   host name or address to connect to
     * @param port   port to connect to
     * @param index  position within its pool (stable per snapshot; used by hashing algorithms as a tie-breaker)
     * @param weight initial weight
     */
    public Backend(String pool, String name, String host, int port, int index, int weight) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.name = Objects.requireNonNull(name, "name");
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.index = index;
        this.configuredWeight = weight;
        this.weight = weight;
        this.state = BackendState.UP;
        this.adminState = BackendState.UP;
        this.site = "";
        this.hostName = "";
        this.labels = Map.of();
    }

    /** Convenience for tests and benchmarks: a backend named after its address. */
    public static Backend of(String pool, int index, String host, int port, int weight) {
        return new Backend(pool, host + ":" + port, host, port, index, weight);
    }

    public String pool() { return pool; }
    public String name() { return name; }
    public String host() { return host; }
    public int port() { return port; }
    public int index() { return index; }
    /** {@code host:port}. */
    public String address() { return host + ":" + port; }

    /**
     * The address to connect to. The first call resolves the host name, which may
     * block: call it once when the runtime is compiled, never first on an event loop.
     */
    public java.net.InetSocketAddress socketAddress() {
        java.net.InetSocketAddress a = socketAddress;
        if (a == null || a.isUnresolved()) {
            a = new java.net.InetSocketAddress(host, port);
            socketAddress = a;
        }
        return a;
    }

    /** Weight currently used for selection (may differ from the configured one during slow start or adaptive weighting). */
    public int weight() { return weight; }
    public int configuredWeight() { return configuredWeight; }
    public int maxConnections() { return maxConnections; }
    public String site() { return site; }
    public String hostName() { return hostName; }
    public Map<String, String> labels() { return labels; }
    /** Effective state: the {@link #adminState() administrative state}, except DOWN while the health checks fail. */
    public BackendState state() { return state; }
    /** State set by the configuration or an operator, whatever the health checks say. */
    public BackendState adminState() { return adminState; }
    /** Verdict of the active health checks; true when no check runs. */
    public boolean healthy() { return healthy; }
    /** Why the health checks last changed their verdict (empty while healthy from the start). */
    public String healthReason() { return healthReason; }
    /** Where the current {@link #weight()} comes from. */
    public WeightOrigin weightOrigin() { return weightOrigin; }
    /** Why the weight is what it is (for example the inputs of an adaptive recomputation). */
    public String weightReason() { return weightReason; }
    /** The latest active health-check result with its timings, or {@code null} before the first check. */
    public CheckReport lastCheck() { return lastCheck; }
    public long version() { return version.get(); }
    /** Its traffic and state history for the stats page (peaks, bytes, status classes, retries, downtime). */
    public BackendCounters counters() { return counters; }

    /**
     * Sets the configured weight. The effective weight follows it only while nothing
     * else (adaptive weights, slow start, a schedule, an operator) owns the weight;
     * that owner recomputes from the new configured weight itself.
     */
    public void setConfiguredWeight(int w) {
        this.configuredWeight = w;
        if (weightOrigin == WeightOrigin.CONFIGURED) {
            setWeight(w);
        }
    }

    /** Sets the effective weight and records where it came from and why. */
    public void setWeight(int w, WeightOrigin origin, String reason) {
        this.weightOrigin = java.util.Objects.requireNonNull(origin, "origin");
        this.weightReason = reason == null ? "" : reason;
        setWeight(w);
    }

    /** Sets the effective weight used for selection. */
    public void setWeight(int w) {
        if (w < 0) {
            throw new IllegalArgumentException("weight must be >= 0: " + w);
        }
        if (this.weight != w) {
            this.weight = w;
            changed();
        }
    }

    public void setMaxConnections(int max) { this.maxConnections = max; }

    public void setLocality(String site, String hostName) {
        this.site = site == null ? "" : site;
        this.hostName = hostName == null ? "" : hostName;
        changed();
    }

    public void setLabels(Map<String, String> labels) { this.labels = Map.copyOf(labels); }

    /** Sets the administrative state (configuration or operator). */
    public void setState(BackendState s) {
        this.adminState = java.util.Objects.requireNonNull(s, "state");
        updateState();
    }

    /**
     * Records the health checks' verdict. A backend that fails becomes DOWN at once
     * (listeners get {@link BackendListener#backendFailed}); one that recovers returns
     * to its administrative state.
     */
    public void setHealthy(boolean ok, String reason) {
        this.healthReason = reason == null ? "" : reason;
        if (this.healthy != ok) {
            this.healthy = ok;
            updateState();
        }
    }

    /** Records the latest active check result (read by the admin API) and counts it. */
    public void setLastCheck(CheckReport report) {
        this.lastCheck = report;
        counters.checked(report.ok(), report.totalNanos());
    }

    private void updateState() {
        BackendState s;
        synchronized (this) {
            BackendState admin = adminState;
            // A disabled backend stays disabled; anything else that fails its checks is DOWN (a draining one too:
            // it failed, so its sessions move now instead of waiting).
            s = healthy || admin == BackendState.DISABLED ? admin : BackendState.DOWN;
            if (this.state == s) {
                return;
            }
            this.state = s;
            if (s != BackendState.DRAINING) {
                drained = false;
            }
            counters.stateChanged(s, System.nanoTime());
        }
        // Listeners run outside the lock: they may purge tables or take their own locks.
        changed();
        if (s == BackendState.DOWN) {
            for (BackendListener l : listeners) {
                l.backendFailed(this);
            }
        }
    }

    /** True once a draining backend has no sticky sessions and no live requests left. */
    public boolean isDrained() { return drained; }

    /** Reports a draining backend as empty (listeners get {@link BackendListener#backendDrained}). */
    public void markDrained() {
        if (!drained) {
            this.drained = true;
            for (BackendListener l : listeners) {
                l.backendDrained(this);
            }
        }
    }

    // ---- selection ------------------------------------------------------------------------------

    /**
     * Whether this backend may take a new request (not a sticky hit): state UP,
     * positive weight, not ejected, and below its max connections.
     */
    public boolean isSelectable(long nowNanos) {
        return state == BackendState.UP && weight > 0 && !isEjected(nowNanos) && hasCapacity();
    }

    /** Like {@link #isSelectable} but for a backup backend, used only when no primary can take the request. */
    public boolean isSelectableBackup(long nowNanos) {
        return state == BackendState.BACKUP && weight > 0 && !isEjected(nowNanos) && hasCapacity();
    }

    /** Whether a sticky session bound to this backend may still be served by it (draining backends keep theirs). */
    public boolean acceptsStickySession(long nowNanos) {
        BackendState s = state;
        return (s == BackendState.UP || s == BackendState.DRAINING || s == BackendState.BACKUP)
                && !isEjected(nowNanos) && hasCapacity();
    }

    /** Whether a request could be served if a connection slot frees up (used to decide between queueing and 503). */
    public boolean isHealthyButFull(long nowNanos) {
        BackendState s = state;
        return (s == BackendState.UP || s == BackendState.BACKUP) && weight > 0 && !isEjected(nowNanos) && !hasCapacity();
    }

    public boolean hasCapacity() {
        int max = maxConnections;
        return max <= 0 || activeRequests.get() < max;
    }

    // ---- counters -------------------------------------------------------------------------------

    /** Requests currently being served by this backend. */
    public int activeRequests() { return activeRequests.get(); }

    public void requestStarted() {
        counters.started(activeRequests.incrementAndGet());
        totalRequests.increment();
    }

    public void requestFinished() { activeRequests.decrementAndGet(); }

    public long totalRequests() { return totalRequests.sum(); }

    /** Open TCP connections from Fulcrum to this backend (pooled or busy). */
    public int openConnections() { return openConnections.get(); }

    public void connectionOpened() {
        openConnections.incrementAndGet();
        connectionsOpened.increment();
    }

    /** Connections opened to this backend since start (new flows). */
    public long connectionsOpened() { return connectionsOpened.sum(); }

    /**
     * One TCP_INFO reading of a connection to this backend: its smoothed RTT and the
     * segments it retransmitted since the previous reading of that connection.
     */
    public void recordTcpInfo(long rttMicros, long newRetransmits) {
        long prev = tcpRttMicros;
        tcpRttMicros = prev == 0 ? rttMicros : (long) (prev * 0.7 + rttMicros * 0.3);
        if (newRetransmits > 0) {
            tcpRetransmits.add(newRetransmits);
        }
    }

    /** Smoothed TCP RTT of its connections in microseconds (0: never read; NIO gives none). */
    public long tcpRttMicros() { return tcpRttMicros; }

    /** TCP segments retransmitted on its connections since start, as far as TCP_INFO was read. */
    public long tcpRetransmits() { return tcpRetransmits.sum(); }

    public void connectionClosed() { openConnections.decrementAndGet(); }

    public long failures() { return failures.sum(); }

    // ---- latency --------------------------------------------------------------------------------

    /** Smoothed response time in nanoseconds; 0 before the first sample. */
    public long ewmaNanos() { return ewmaNanos; }

    /** Folds one response time into the moving average (alpha = 0.3). Racy updates lose a sample at worst. */
    public void recordResponseTime(long nanos) {
        long prev = ewmaNanos;
        ewmaNanos = prev == 0 ? nanos : (long) (prev * 0.7 + nanos * 0.3);
    }

    // ---- passive health -------------------------------------------------------------------------

    public boolean isEjected(long nowNanos) {
        long until = ejectedUntilNanos;
        return until != 0 && nowNanos - until < 0;
    }

    public long ejectedUntilNanos() { return ejectedUntilNanos; }

    /** A request to this backend succeeded: resets the consecutive-failure count. */
    public void recordSuccess() {
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
        if (ejectedUntilNanos != 0 && ejections.get() != 0) {
            ejections.set(0);
        }
    }

    /**
     * A request to this backend failed. Returns true when this failure ejected it.
     *
     * @param threshold      consecutive failures that eject
     * @param baseEjectNanos first ejection period; doubled for each repeated ejection
     * @param maxEjectNanos  longest ejection period
     */
    public boolean recordFailure(long nowNanos, int threshold, long baseEjectNanos, long maxEjectNanos) {
        failures.increment();
        int n = consecutiveFailures.incrementAndGet();
        if (threshold > 0 && n >= threshold && !isEjected(nowNanos)) {
            int times = ejections.getAndIncrement();
            long period = baseEjectNanos << Math.min(times, 20);
            if (period <= 0 || period > maxEjectNanos) {
                period = maxEjectNanos;
            }
            ejectedUntilNanos = nowNanos + period;
            consecutiveFailures.set(0);
            changed();
            return true;
        }
        return false;
    }

    /** Tells listeners why this backend was just ejected ({@link BackendListener#backendEjected}). */
    public void reportEjection(String reason) {
        for (BackendListener l : listeners) {
            l.backendEjected(this, reason);
        }
    }

    /** Ends an ejection early (used by active health checks when they see the backend up). */
    public void clearEjection() {
        if (ejectedUntilNanos != 0) {
            ejectedUntilNanos = 0;
            changed();
        }
    }

    // ---- change notification --------------------------------------------------------------------

    public void addListener(BackendListener l) { listeners.add(l); }

    public void removeListener(BackendListener l) { listeners.remove(l); }

    private void changed() {
        version.incrementAndGet();
        for (BackendListener l : listeners) {
            l.backendChanged(this);
        }
    }

    @Override
    public String toString() {
        return pool + "/" + name + "(" + address() + ", w=" + weight + ", " + state + ")";
    }
}
