package io.fulcrum.admin.metrics;

import io.fulcrum.control.reload.ConfigReloader;
import io.fulcrum.proxy.ProxyServer;
import io.fulcrum.proxy.runtime.ListenerRuntime;
import io.fulcrum.proxy.runtime.RuntimeState;
import io.fulcrum.proxy.tls.ServedCertificate;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * The node's own series on {@code /metrics}, beside the traffic ones of {@link ProxyMetrics}:
 * what is running ({@code fulcrum_build_info}), how its configuration reloads went, and when
 * the certificates its TLS listeners serve run out. All are read at scrape time.
 */
public final class NodeMetrics {

    private NodeMetrics() {
    }

    /**
     * Registers the node's series.
     *
     * @param proxy    the data plane (its TLS listeners' certificates)
     * @param reloader the node's reloader, read at each scrape (it may be replaced)
     */
    public static void register(PrometheusRegistry registry, ProxyServer proxy, Supplier<ConfigReloader> reloader) {
        BuildInfo build = BuildInfo.read();
        // An info metric: fulcrum_build_info, always 1 (an OpenMetrics "info" family named fulcrum_build).
        Info.builder().name("fulcrum_build")
                .help("Which Fulcrum runs: version, source revision and Java runtime (the value is always 1).")
                .labelNames("version", "revision", "java")
                .register(registry)
                .setLabelValues(build.version(), build.revision(), Runtime.version().toString());

        CounterWithCallback.builder().name("fulcrum_config_reloads")
                .help("Configuration reloads (SIGHUP, file change, admin API, configuration store), by result: "
                        + "success (applied or unchanged) or failure (refused or failed part-way).")
                .labelNames("result")
                .callback(cb -> {
                    ConfigReloader r = reloader.get();
                    if (r != null) {
                        cb.call(r.successes(), "success");
                        cb.call(r.failures(), "failure");
                    }
                })
                .register(registry);
        GaugeWithCallback.builder().name("fulcrum_config_last_reload_timestamp_seconds")
                .help("When the latest reload attempt ended, whatever its result (absent before the first).")
                .callback(cb -> {
                    ConfigReloader r = reloader.get();
                    if (r != null && r.lastAttemptAt() != null) {
                        cb.call(seconds(r.lastAttemptAt()));
                    }
                })
                .register(registry);
        GaugeWithCallback.builder().name("fulcrum_config_last_reload_success_timestamp_seconds")
                .help("When the configuration serving was put into service: the latest successful reload, or the start.")
                .callback(cb -> {
                    ConfigReloader r = reloader.get();
                    if (r != null) {
                        cb.call(seconds(r.lastSuccessAt()));
                    }
                })
                .register(registry);
        GaugeWithCallback.builder().name("fulcrum_config_last_reload_successful")
                .help("1 when the latest reload attempt succeeded (or none was made yet), 0 when it failed.")
                .callback(cb -> {
                    ConfigReloader r = reloader.get();
                    if (r != null) {
                        cb.call(r.lastResult() == null || r.lastResult().succeeded() ? 1 : 0);
                    }
                })
                .register(registry);

        GaugeWithCallback.builder().name("fulcrum_tls_certificate_expiry_timestamp_seconds")
                .help("End of validity (notAfter, seconds since the epoch) of each certificate a TLS listener serves, "
                        + "one series per host name (SNI) it answers for.")
                .labelNames("listener", "subject", "name")
                .callback(cb -> {
                    RuntimeState rs = proxy.runtime();
                    for (ListenerRuntime l : rs.listeners().values()) {
                        if (l.tls() == null) {
                            continue;
                        }
                        for (ServedCertificate c : l.tls().certificates()) {
                            for (String name : c.names()) {
                                cb.call(seconds(c.notAfter()), l.name(), c.subject(), name);
                            }
                        }
                    }
                })
                .register(registry);
    }

    private static double seconds(Instant t) {
        return t.toEpochMilli() / 1000.0;
    }

    /**
     * The version and source revision written into the jar by the build
     * ({@code build.properties}, filtered by Maven).
     */
    record BuildInfo(String version, String revision) {

        static BuildInfo read() {
            Properties p = new Properties();
            try (InputStream in = NodeMetrics.class.getResourceAsStream("build.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("build.properties of fulcrum-admin cannot be read", e);
            }
            return new BuildInfo(known(p.getProperty("version")), known(p.getProperty("revision")));
        }

        /** An unfiltered placeholder (classes run from an IDE without Maven) is reported as unknown. */
        private static String known(String v) {
            return v == null || v.isBlank() || v.startsWith("${") ? "unknown" : v;
        }
    }
}
