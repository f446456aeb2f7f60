package io.fulcrum.scale;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.config.scale.ScaleMetric;
import io.fulcrum.scale.decide.LoadSample;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one pool's load in its policy's metric from the live backends (requests finished, requests
 * in flight, max connections) and the {@link LoadSignals} (p99 latency, host CPU). The pool's value
 * is taken over the backends that take traffic (state up); requests finished by draining members
 * count in the pool's rate, since the pool served them.
 *
 * <ul>
 *   <li>{@code requestsPerBackend}: requests finished per second since the previous reading, over
 *       the ready backends; the first reading has no rate.</li>
 *   <li>{@code connectionsRatio}: requests in flight over the sum of their max connections.</li>
 *   <li>{@code p99Latency}: the ready backends' p99, weighted by their requests per second.</li>
 *   <li>{@code hostCpu}: the mean of their hosts' CPU percentages.</li>
 * </ul>
 * One scaler thread uses it.
 */
final class PoolLoadMeter {

    private final LoadSignals signals;
    private Map<Backend, Long> lastTotals = new IdentityHashMap<>();
    private long lastNanos;
    /** Each backend's value at the last reading (the least loaded is the one to drain). */
    private Map<Backend, Double> perBackend = new IdentityHashMap<>();

    PoolLoadMeter(LoadSignals signals) {
        this.signals = signals;
    }

    /** Reads the pool's load now from this node's own counters; {@code members} are its live backends. */
    LoadSample read(ScaleMetric metric, List<Backend> members, long nowNanos) {
        return read(metric, members, nowNanos, null);
    }

    /**
     * Reads the pool's load now; {@code members} are its live backends, {@code fleet} (null on a node of
     * its own) each backend's load summed over every node of a cluster, which then stands for this node's
     * own rates, connections and p99 (a backend no node reported has none).
     */
    LoadSample read(ScaleMetric metric, List<Backend> members, long nowNanos, Map<String, ScaleFleet.FleetReading> fleet) {
        if (fleet != null) {
            return readFleet(metric, members, fleet);
        }
        double seconds = lastNanos == 0 ? 0 : (nowNanos - lastNanos) / 1e9;
        Map<Backend, Long> totals = new IdentityHashMap<>();
        Map<Backend, Double> rates = new IdentityHashMap<>();
        double poolRate = 0;
        boolean rateKnown = seconds > 0;
        for (Backend b : members) {
            long total = b.totalRequests();
            totals.put(b, total);
            Long before = lastTotals.get(b);
            double rate = seconds > 0 && before != null ? Math.max(0, total - before) / seconds : 0;
            rates.put(b, rate);
            poolRate += rate;
        }
        lastTotals = totals;
        lastNanos = nowNanos;

        Aggregate a = new Aggregate(metric);
        for (Backend b : members) {
            if (b.state() != BackendState.UP) {
                continue;
            }
            double v = switch (metric) {
                case REQUESTS_PER_BACKEND -> rateKnown ? rates.get(b) : Double.NaN;
                case CONNECTIONS_RATIO -> b.maxConnections() > 0 ? b.activeRequests() / (double) b.maxConnections()
                        : Double.NaN;
                case P99_LATENCY -> signals.p99Millis(b);
                case HOST_CPU -> signals.hostCpuPercent(b);
            };
            double weight = metric == ScaleMetric.P99_LATENCY ? Math.max(signals.requestsPerSecond(b), 1e-6) : 0;
            a.add(b, v, b.activeRequests(), weight);
        }
        return a.sample(rateKnown ? poolRate : Double.NaN);
    }

    private LoadSample readFleet(ScaleMetric metric, List<Backend> members, Map<String, ScaleFleet.FleetReading> fleet) {
        ScaleFleet.FleetReading none = new ScaleFleet.FleetReading(0, 0, Double.NaN);
        double poolRate = 0;
        for (Backend b : members) {
            poolRate += fleet.getOrDefault(b.name(), none).requestsPerSecond();
        }
        Aggregate a = new Aggregate(metric);
        for (Backend b : members) {
            if (b.state() != BackendState.UP) {
                continue;
            }
            ScaleFleet.FleetReading r = fleet.getOrDefault(b.name(), none);
            double v = switch (metric) {
                case REQUESTS_PER_BACKEND -> r.requestsPerSecond();
                case CONNECTIONS_RATIO -> b.maxConnections() > 0 ? r.activeFlows() / (double) b.maxConnections()
                        : Double.NaN;
                case P99_LATENCY -> r.requestsPerSecond() > 0 ? r.p99Millis() : Double.NaN;
                case HOST_CPU -> signals.hostCpuPercent(b);
            };
            a.add(b, v, r.activeFlows(), r.requestsPerSecond());
        }
        return a.sample(poolRate);
    }

    /**
     * The pool's value over its ready backends, whichever source their readings come from: a sum
     * of requests in flight over capacity, a p99 weighted by requests per second, or a mean.
     */
    private final class Aggregate {
        private final ScaleMetric metric;
        private final Map<Backend, Double> values = new IdentityHashMap<>();
        private int ready;
        private int withValue;
        private double sum;
        private double weightSum;
        private double capacity;
        private double busiest = Double.NaN;

        Aggregate(ScaleMetric metric) {
            this.metric = metric;
        }

        /** A ready backend: its value in the metric (NaN when it has none), requests in flight, p99 weight. */
        void add(Backend b, double v, double active, double weight) {
            ready++;
            if (Double.isNaN(v)) {
                return;
            }
            values.put(b, v);
            withValue++;
            busiest = Double.isNaN(busiest) ? v : Math.max(busiest, v);
            switch (metric) {
                case CONNECTIONS_RATIO -> {
                    sum += active;
                    capacity += b.maxConnections();
                }
                case P99_LATENCY -> {
                    sum += v * weight;
                    weightSum += weight;
                }
                default -> sum += v;
            }
        }

        /** The sample; {@code poolRate} is the pool's requests per second (NaN when not known yet). */
        LoadSample sample(double poolRate) {
            perBackend = values;
            if (ready == 0) {
                return LoadSample.unknown(0);
            }
            double value = switch (metric) {
                case REQUESTS_PER_BACKEND -> poolRate / ready;
                case CONNECTIONS_RATIO -> capacity > 0 ? sum / capacity : Double.NaN;
                case P99_LATENCY -> weightSum > 0 ? sum / weightSum : Double.NaN;
                case HOST_CPU -> withValue > 0 ? sum / withValue : Double.NaN;
            };
            return new LoadSample(value, busiest, ready);
        }
    }

    /** A backend's value at the last reading ({@code requests/s} when the metric had none for it). */
    double valueOf(Backend b) {
        Double v = perBackend.get(b);
        return v == null ? 0 : v;
    }
}
