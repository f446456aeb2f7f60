package io.fulcrum.core.config.scale;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The load a pool's autoscale policy follows, by its configuration name. Each is read for the
 * pool as a whole and for each backend (the per-backend thresholds).
 */
public enum ScaleMetric {

    /** Requests finished per second, divided by the backends that take traffic. */
    REQUESTS_PER_BACKEND("requestsPerBackend", "requests/s per backend"),
    /** Requests in flight over the sum of the backends' {@code maxConnections} (0 to 1). */
    CONNECTIONS_RATIO("connectionsRatio", "in-flight requests / max connections"),
    /** The 99th percentile of the backends' response times over the last seconds, in milliseconds. */
    P99_LATENCY("p99Latency", "p99 latency ms"),
    /** The host agents' CPU percentage, averaged over the backends that take traffic. */
    HOST_CPU("hostCpu", "host CPU %");

    private final String configName;
    private final String unit;

    ScaleMetric(String configName, String unit) {
        this.configName = configName;
        this.unit = unit;
    }

    /** The name written in {@code autoscale.metric}. */
    public String configName() {
        return configName;
    }

    /** What a value of it measures, for events and the status view. */
    public String unit() {
        return unit;
    }

    /** The metric of this configuration name. */
    public static Optional<ScaleMetric> named(String name) {
        return Arrays.stream(values()).filter(m -> m.configName.equals(name)).findFirst();
    }

    /** Every configuration name, in declaration order. */
    public static List<String> names() {
        return Arrays.stream(values()).map(ScaleMetric::configName).toList();
    }
}
