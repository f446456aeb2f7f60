package io.fulcrum.admin.metrics;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendCounters;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.backend.CheckReport;
import io.fulcrum.proxy.ProxyServer;
import io.fulcrum.proxy.observe.ExchangeObserver;
import io.fulcrum.proxy.runtime.ListenerRuntime;
import io.fulcrum.proxy.runtime.PoolRuntime;
import io.fulcrum.proxy.runtime.RouteRuntime;
import io.fulcrum.proxy.runtime.RuntimeState;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.SummaryWithCallback;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The proxy's Prometheus metrics: per listener, route, pool and backend a request
 * counter by status class and a latency histogram; per backend gauges of health,
 * weight, requests in flight and connections; per pool its wait queue; per backend its
 * active health checks (counts by result, time taken, the latest verdict); and the live numbers of
 * {@link LiveStats} the API and dashboard show.
 *
 * <p>Cost per request on the event loop: one thread-local identity-map lookup per
 * runtime object (listener, route, backend: no string keys, no label arrays), then
 * counter and histogram updates on cached data points. The cache is per thread and
 * dropped when the proxy's runtime snapshot changes, so replaced objects do not pile up.
 */
public final class ProxyMetrics implements ExchangeObserver {

    /** Latency buckets in seconds: 0.5 ms to 10 s. */
    static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    /** Status classes used as the {@code code} label: 1xx..5xx, and other. */
    private static final String[] CLASSES = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};

    private final ProxyServer proxy;
    private final Counter listenerRequests;
    private final Histogram listenerDuration;
    private final Counter listenerBytesIn;
    private final Counter listenerBytesOut;
    private final Counter routeRequests;
    private final Histogram routeDuration;
    private final Counter poolRequests;
    private final Histogram poolDuration;
    private final Counter backendRequests;
    private final Histogram backendDuration;
    private final Histogram backendResponse;

    /** Live numbers per backend, by identity (backends are kept across reloads by the compiler). */
    private final Map<Backend, LiveStats> backendStats = new ConcurrentHashMap<>();
    /** Shared children by label key (slow path, filled once per object). */
    private final Map<String, Object> children = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.LongAdder lost = new java.util.concurrent.atomic.LongAdder();
    private final ThreadLocal<Cache> cache = ThreadLocal.withInitial(Cache::new);

    /** Per-thread identity cache of the children of each runtime object. */
    private static final class Cache {
        RuntimeState state;
        final IdentityHashMap<Object, Object> byObject = new IdentityHashMap<>();
    }

    /** The children of one label set: a counter per status class and a histogram. */
    private record Series(CounterDataPoint[] byClass, DistributionDataPoint duration) {
        void add(int status, double seconds) {
            byClass[statusClass(status)].inc();
            duration.observe(seconds);
        }
    }

    private record ListenerSeries(Series series, CounterDataPoint in, CounterDataPoint out) {
    }

    private record BackendSeries(Series series, Series pool, DistributionDataPoint response, LiveStats stats) {
    }

    /** Registers the proxy's metrics in {@code registry}. */
    public ProxyMetrics(ProxyServer proxy, PrometheusRegistry registry) {
        this.proxy = proxy;
        listenerRequests = counter(registry, "fulcrum_listener_requests", "Requests finished, by listener and status class.", "listener", "code");
        listenerDuration = histogram(registry, "fulcrum_listener_request_duration_seconds", "Time from request head to last response byte, by listener.", "listener");
        listenerBytesIn = counter(registry, "fulcrum_listener_received_bytes", "Request body bytes received, by listener.", "listener");
        listenerBytesOut = counter(registry, "fulcrum_listener_sent_bytes", "Response body bytes sent, by listener.", "listener");
        routeRequests = counter(registry, "fulcrum_route_requests", "Requests finished, by route and status class.", "listener", "route", "code");
        routeDuration = histogram(registry, "fulcrum_route_request_duration_seconds", "Time from request head to last response byte, by route.", "listener", "route");
        poolRequests = counter(registry, "fulcrum_pool_requests", "Requests finished, by pool and status class.", "pool", "code");
        poolDuration = histogram(registry, "fulcrum_pool_request_duration_seconds", "Time from request head to last response byte, by pool.", "pool");
        backendRequests = counter(registry, "fulcrum_backend_requests", "Requests finished, by backend and status class.", "pool", "backend", "code");
        backendDuration = histogram(registry, "fulcrum_backend_request_duration_seconds", "Time from request head to last response byte, by backend.", "pool", "backend");
        backendResponse = histogram(registry, "fulcrum_backend_response_header_seconds", "Time from sending to a backend to its response head.", "pool", "backend");

        GaugeWithCallback.builder().name("fulcrum_backend_up")
                .help("1 when the backend takes new requests (state up, not ejected), else 0.")
                .labelNames("pool", "backend")
                .callback(cb -> eachBackend((p, b, now) -> cb.call(b.isSelectable(now) || b.isSelectableBackup(now) ? 1 : 0, p, b.name())))
                .register(registry);
        GaugeWithCallback.builder().name("fulcrum_backend_state")
                .help("The backend's state: 1 on the series of its current state.")
                .labelNames("pool", "backend", "state")
                .callback(cb -> eachBackend((p, b, now) -> {
                    for (BackendState s : BackendState.values()) {
                        cb.call(b.state() == s ? 1 : 0, p, b.name(), s.name().toLowerCase(java.util.Locale.ROOT));
                    }
                }))
                .register(registry);
        GaugeWithCallback.builder().name("fulcrum_backend_ejected")
                .help("1 while passive health has ejected the backend.")
                .labelNames("pool", "backend")
                .callback(cb -> eachBackend((p, b, now) -> cb.call(b.isEjected(now) ? 1 : 0, p, b.name())))
                .register(registry);
        GaugeWithCallback.builder().name("fulcrum_backend_weight")
                .help("The weight the balancer uses now.")
                .labelNames("pool", "backend")
                .callback(cb -> eachBackend((p, b, now) -> cb.call(b.weight(), p, b.name())))
                .register(registry);
        GaugeWithCallback.builder().name("fulcrum_backend_configured_weight")
                .help("The configured (or operator-fixed) weight.")
                .labelNames("pool", "backend")
                .callback(cb -> eachBackend((p, b, now) -> cb.call(b.configuredWeight(), p, b.name())))
                .register(registry);
        GaugeWithCallback.builder().name("fulcrum_backend_active_requests")
                .help("Requests in flight to the backend.")
                .labelNames("pool", "backend")
                .callback(cb -> eachBackend((p, b, now) -> cb.call(b.activeRequests(), p, b.name())))
                .register(registry);
        GaugeWithCallback.builder().name("fulcrum_backend_open_connections")
                .help("Open connections from Fulcrum to the backend.")
                .labelNames("pool", "backend")
                .callback(cb -> eachBackend((p, b, now) -> cb.call(b.openConnections(), p, b.name())))
                .register(registry);
        CounterWithCallback.builder().name("fulcrum_backend_failures")
                .help("Failed attempts (connect errors, resets, timeouts) to the backend.")
                .labelNames("pool", "backend")
                .callback(cb -> eachBackend((p, b, now) -> cb.call(b.failures(), p, b.name())))
                .register(registry);
        GaugeWithCallback.builder().name("fulcrum_pool_queued_requests")
                .help("Requests waiting now for a backend slot of the pool (all its backends at their max connections).")
                .labelNames("pool")
                .callback(cb -> proxy.runtime().pools().values().forEach(p -> cb.call(p.queue().size(), p.name())))
                .register(registry);
        GaugeWithCallback.builder().name("fulcrum_pool_queued_requests_max")
                .help("The most requests that waited at once for the pool since it was first configured.")
                .labelNames("pool")
                .callback(cb -> proxy.runtime().pools().values().forEach(p -> cb.call(p.queue().maxSize(), p.name())))
                .register(registry);
        GaugeWithCallback.builder().name("fulcrum_pool_queue_limit")
                .help("Requests that may wait at once for the pool (0: no queue, a full pool answers 503 at once).")
                .labelNames("pool")
                .callback(cb -> proxy.runtime().pools().values().forEach(
                        p -> cb.call(p.queueTimeoutNanos() > 0 ? p.queue().capacity() : 0, p.name())))
                .register(registry);
        CounterWithCallback.builder().name("fulcrum_health_checks")
                .help("Active health checks made of the backend, by result (pass or fail).")
                .labelNames("pool", "backend", "result")
                .callback(cb -> eachBackend((p, b, now) -> {
                    if (b.lastCheck() != null) {
                        cb.call(b.counters().checksPassed(), p, b.name(), "pass");
                        cb.call(b.counters().checksFailed(), p, b.name(), "fail");
                    }
                }))
                .register(registry);
        SummaryWithCallback.builder().name("fulcrum_health_check_duration_seconds")
                .help("Time the backend's active health checks took, from start to verdict (count and sum).")
                .labelNames("pool", "backend")
                .callback(cb -> eachBackend((p, b, now) -> {
                    if (b.lastCheck() != null) {
                        BackendCounters c = b.counters();
                        cb.call(c.checksPassed() + c.checksFailed(), c.checkNanos() / 1e9, Quantiles.EMPTY, p, b.name());
                    }
                }))
                .register(registry);
        GaugeWithCallback.builder().name("fulcrum_health_check_last_success")
                .help("1 when the backend's latest active health check (of any of its pool's checks) passed, 0 when it failed.")
                .labelNames("pool", "backend")
                .callback(cb -> eachBackend((p, b, now) -> {
                    CheckReport r = b.lastCheck();
                    if (r != null) {
                        cb.call(r.ok() ? 1 : 0, p, b.name());
                    }
                }))
                .register(registry);
        GaugeWithCallback.builder().name("fulcrum_health_check_last_duration_seconds")
                .help("Time the backend's latest active health check took.")
                .labelNames("pool", "backend")
                .callback(cb -> eachBackend((p, b, now) -> {
                    CheckReport r = b.lastCheck();
                    if (r != null && r.totalNanos() >= 0) {
                        cb.call(r.totalNanos() / 1e9, p, b.name());
                    }
                }))
                .register(registry);
        GaugeWithCallback.builder().name("fulcrum_sticky_entries")
                .help("Sticky-session entries, by route.")
                .labelNames("listener", "route")
                .callback(cb -> {
                    for (ListenerRuntime l : proxy.runtime().listeners().values()) {
                        for (RouteRuntime r : l.routes()) {
                            cb.call(r.sticky().size(), l.name(), r.name());
                        }
                    }
                })
                .register(registry);
        CounterWithCallback.builder().name("fulcrum_metrics_lost")
                .help("Requests whose metrics could not be recorded (a bug if not 0).")
                .callback(cb -> cb.call(lost.sum()))
                .register(registry);
        GaugeWithCallback.builder().name("fulcrum_client_connections")
                .help("Open client connections across all listeners.")
                .callback(cb -> cb.call(proxy.clientConnections()))
                .register(registry);
    }

    private interface BackendVisitor {
        void visit(String pool, Backend backend, long nowNanos);
    }

    private void eachBackend(BackendVisitor v) {
        long now = System.nanoTime();
        for (PoolRuntime p : proxy.runtime().pools().values()) {
            for (Backend b : p.backends()) {
                v.visit(p.name(), b, now);
            }
        }
    }

    @Override
    public void exchangeFinished(ListenerRuntime listener, RouteRuntime route, Backend backend, int status,
                                 long totalNanos, long backendMicros, long bytesIn, long bytesOut) {
        try {
            record(listener, route, backend, status, totalNanos, backendMicros, bytesIn, bytesOut);
        } catch (RuntimeException e) {
            // Metrics must never break a request; count the loss instead.
            lost.increment();
        }
    }

    private void record(ListenerRuntime listener, RouteRuntime route, Backend backend, int status,
                        long totalNanos, long backendMicros, long bytesIn, long bytesOut) {
        Cache c = cache.get();
        RuntimeState now = proxy.runtime();
        if (c.state != now) {
            c.byObject.clear();
            c.state = now;
        }
        double seconds = totalNanos / 1e9;
        ListenerSeries ls = (ListenerSeries) c.byObject.get(listener);
        if (ls == null) {
            ls = listenerSeries(listener.name());
            c.byObject.put(listener, ls);
        }
        ls.series.add(status, seconds);
        if (bytesIn > 0) {
            ls.in.inc(bytesIn);
        }
        if (bytesOut > 0) {
            ls.out.inc(bytesOut);
        }
        if (route != null) {
            Series rs = (Series) c.byObject.get(route);
            if (rs == null) {
                rs = series("r\0" + route.listener() + "\0" + route.name(), routeRequests, routeDuration,
                        route.listener(), route.name());
                c.byObject.put(route, rs);
            }
            rs.add(status, seconds);
        }
        if (backend != null) {
            BackendSeries bs = (BackendSeries) c.byObject.get(backend);
            if (bs == null) {
                bs = backendSeries(backend);
                c.byObject.put(backend, bs);
            }
            bs.series.add(status, seconds);
            bs.pool.add(status, seconds);
            if (backendMicros >= 0) {
                bs.response.observe(backendMicros / 1e6);
            }
            bs.stats.record(totalNanos / 1000);
        }
    }

    private ListenerSeries listenerSeries(String name) {
        return cached("l\0" + name, () -> new ListenerSeries(
                series("ls\0" + name, listenerRequests, listenerDuration, name),
                listenerBytesIn.labelValues(name), listenerBytesOut.labelValues(name)));
    }

    private BackendSeries backendSeries(Backend b) {
        return cached("b\0" + b.pool() + "\0" + b.name() + "\0" + System.identityHashCode(b), () -> new BackendSeries(
                series("bs\0" + b.pool() + "\0" + b.name(), backendRequests, backendDuration, b.pool(), b.name()),
                series("p\0" + b.pool(), poolRequests, poolDuration, b.pool()),
                backendResponse.labelValues(b.pool(), b.name()), stats(b)));
    }

    private Series series(String key, Counter counter, Histogram histogram, String... labels) {
        return cached(key, () -> {
            CounterDataPoint[] byClass = new CounterDataPoint[CLASSES.length];
            for (int i = 0; i < CLASSES.length; i++) {
                // A fresh array each time: the client keeps the array it is given.
                String[] withCode = java.util.Arrays.copyOf(labels, labels.length + 1);
                withCode[labels.length] = CLASSES[i];
                byClass[i] = counter.labelValues(withCode);
            }
            return new Series(byClass, histogram.labelValues(labels));
        });
    }

    /**
     * The shared child under {@code key}, made once. Not computeIfAbsent: making one child
     * looks up others, and nested updates of one ConcurrentHashMap are not allowed.
     */
    @SuppressWarnings("unchecked")
    private <T> T cached(String key, java.util.function.Supplier<T> make) {
        Object found = children.get(key);
        if (found == null) {
            T made = make.get();
            found = children.putIfAbsent(key, made);
            if (found == null) {
                found = made;
            }
        }
        return (T) found;
    }

    /** The live numbers of a backend (created on first use). */
    public LiveStats stats(Backend b) {
        return backendStats.computeIfAbsent(b, x -> new LiveStats());
    }

    /** Takes one sample of every backend's live numbers; forgets backends no longer configured. */
    public void sample(long epochMillis, long elapsedMillis) {
        java.util.Set<Backend> live = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (PoolRuntime p : proxy.runtime().pools().values()) {
            for (Backend b : p.backends()) {
                live.add(b);
                stats(b).sample(epochMillis, elapsedMillis, b.activeRequests());
            }
        }
        java.util.Set<String> liveNames = new java.util.HashSet<>();
        live.forEach(b -> liveNames.add(b.pool() + "\0" + b.name()));
        for (Backend gone : backendStats.keySet()) {
            if (!live.contains(gone) && !liveNames.contains(gone.pool() + "\0" + gone.name())) {
                forget(gone.pool(), gone.name());
            }
        }
        backendStats.keySet().removeIf(b -> !live.contains(b));
    }

    /** Stops exporting the series of a backend that is no longer configured (after a grace of one sample). */
    private void forget(String pool, String name) {
        for (String c : CLASSES) {
            backendRequests.remove(pool, name, c);
        }
        backendDuration.remove(pool, name);
        backendResponse.remove(pool, name);
        children.remove("bs\0" + pool + "\0" + name);
        children.keySet().removeIf(k -> k.startsWith("b\0" + pool + "\0" + name + "\0"));
    }

    static int statusClass(int status) {
        int c = status / 100;
        return c >= 1 && c <= 5 ? c : 0;
    }

    private static Counter counter(PrometheusRegistry r, String name, String help, String... labels) {
        // No exemplars: they would look for a tracing context on every request.
        return Counter.builder().withoutExemplars().name(name).help(help).labelNames(labels).register(r);
    }

    private static Histogram histogram(PrometheusRegistry r, String name, String help, String... labels) {
        return Histogram.builder().withoutExemplars().name(name).help(help).labelNames(labels).classicOnly()
                .classicUpperBounds(BUCKETS).register(r);
    }
}
