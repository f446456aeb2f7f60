package io.fulcrum.proxy.runtime;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.balance.LoadBalancer;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.retry.Ejection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * A pool as the data plane sees it: its backends (live objects), its balancer and
 * its wait queue, plus the pool settings pre-converted to nanoseconds.
 */
public final class PoolRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(PoolRuntime.class);

    private final PoolConfig config;
    private final List<Backend> backends;
    private final Map<String, Backend> backendsByName;
    private final LoadBalancer balancer;
    private final WaitQueue queue;
    private final io.fulcrum.proxy.tls.BackendTls backendTls;
    private final BackendConnectSettings connectSettings;

    final long connectTimeoutMillis;
    final long responseTimeoutNanos;
    final long queueTimeoutNanos;
    private final Ejection ejection;
    final long keepAliveIdleNanos;

    PoolRuntime(PoolConfig config, List<Backend> backends, LoadBalancer balancer, WaitQueue queue) {
        this(config, backends, balancer, queue, null);
    }

    PoolRuntime(PoolConfig config, List<Backend> backends, LoadBalancer balancer, WaitQueue queue,
                io.fulcrum.proxy.tls.BackendTls backendTls) {
        this.backendTls = backendTls;
        this.config = config;
        this.connectSettings = BackendConnectSettings.of(config);
        this.backends = List.copyOf(backends);
        this.backendsByName = backends.stream()
                .collect(java.util.stream.Collectors.toUnmodifiableMap(Backend::name, b -> b));
        this.balancer = balancer;
        this.queue = queue;
        this.connectTimeoutMillis = Math.max(1, config.connectTimeout().toMillis());
        this.responseTimeoutNanos = config.responseTimeout().toNanos();
        this.queueTimeoutNanos = config.queue().timeout().toNanos();
        this.ejection = Ejection.of(config.passiveHealth());
        this.keepAliveIdleNanos = config.keepAlive().idleTimeout().toNanos();
    }

    public String name() { return config.name(); }
    public PoolConfig config() { return config; }
    public List<Backend> backends() { return backends; }
    public Backend backend(String name) { return backendsByName.get(name); }
    public LoadBalancer balancer() { return balancer; }
    public WaitQueue queue() { return queue; }
    public long connectTimeoutMillis() { return connectTimeoutMillis; }
    public long responseTimeoutNanos() { return responseTimeoutNanos; }
    public long queueTimeoutNanos() { return queueTimeoutNanos; }
    public long keepAliveIdleNanos() { return keepAliveIdleNanos; }
    /** TLS towards this pool's backends, or {@code null} for cleartext. */
    public io.fulcrum.proxy.tls.BackendTls backendTls() { return backendTls; }
    /** How this pool opens backend connections; an idle connection opened otherwise is not reused. */
    public BackendConnectSettings connectSettings() { return connectSettings; }

    /**
     * Counts one failed attempt on the backend and feeds it to passive health; true when it ejected the backend, which is then
     * logged and reported to the backend's listeners (the health service makes it an event).
     *
     * @param why the failure, as the access log gives it
     */
    public boolean recordFailure(Backend b, long nowNanos, String why) {
        // Counted on the backend even with passive health off (it then never ejects): the stats show failures.
        if (!ejection.recordFailure(b, nowNanos)) {
            return false;
        }
        LOG.warn("backend {} ejected after {} consecutive failures (last: {})", b, ejection.consecutiveFailures(),
                why);
        b.reportEjection(why);
        return true;
    }

    /** Whether some backend could take the request once a slot frees (so waiting in the queue makes sense). */
    public boolean anyHealthyButFull(long nowNanos) {
        for (Backend b : backends) {
            if (b.isHealthyButFull(nowNanos)) {
                return true;
            }
        }
        return false;
    }
}
