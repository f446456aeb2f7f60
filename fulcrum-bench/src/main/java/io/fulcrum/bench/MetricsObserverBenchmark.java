package io.fulcrum.bench;

import io.fulcrum.admin.metrics.ProxyMetrics;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.backend.Backend;
import io.fulcrum.proxy.ProxyServer;
import io.fulcrum.proxy.runtime.ListenerRuntime;
import io.fulcrum.proxy.runtime.RouteRuntime;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.util.concurrent.TimeUnit;

/**
 * What the admin metrics add to one request on the data path: the cost of
 * {@link ProxyMetrics#exchangeFinished} (counters and histograms per listener, route,
 * pool and backend, plus the live latency recorder), on one thread and on four.
 * Nothing is bound: the proxy only compiles its runtime snapshot.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class MetricsObserverBenchmark {

    private ProxyServer proxy;
    private ProxyMetrics metrics;
    private ListenerRuntime listener;
    private RouteRuntime route;
    private Backend[] backends;

    /** Per-thread position, so threads spread over the backends. */
    @State(Scope.Thread)
    public static class Cursor {
        int i;
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        StringBuilder yaml = new StringBuilder("""
                listeners:
                  - name: web
                    bind: 127.0.0.1:18999
                    routes:
                      - name: all
                        pool: app
                pools:
                  - name: app
                    backends:
                """);
        for (int i = 0; i < 10; i++) {
            yaml.append("      - name: b").append(i).append("\n        address: 127.0.0.1:").append(20000 + i).append('\n');
        }
        proxy = new ProxyServer(ConfigLoader.parse(yaml.toString(), "bench"));
        metrics = new ProxyMetrics(proxy, new PrometheusRegistry());
        listener = proxy.runtime().listeners().get("web");
        route = listener.routes().getFirst();
        backends = proxy.runtime().pools().get("app").backends().toArray(Backend[]::new);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        proxy.shutdownGracefully(java.time.Duration.ZERO);
    }

    @Benchmark
    public void oneThread(Cursor c) {
        record(c);
    }

    @Benchmark
    @Threads(4)
    public void fourThreads(Cursor c) {
        record(c);
    }

    private void record(Cursor c) {
        int i = c.i++;
        metrics.exchangeFinished(listener, route, backends[i % backends.length], (i & 63) == 0 ? 503 : 200,
                1_000_000L + (i & 1023) * 1000L, 800L, 0, 1024);
    }
}
