package io.fulcrum.cluster.controller;

import io.fulcrum.core.config.cluster.ControlledPoolConfig;
import io.fulcrum.health.weights.WeightFormula;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * New weights for a pool from its aggregated load, the same on the leader (mode
 * {@code weights}) and on every node (mode {@code aggregates}).
 *
 * <ul>
 *   <li>{@code manager}: the health manager's adaptive formula ({@link WeightFormula}, docs/health.md)
 *       with two metric classes, each backend's median latency ({@code service}) and its errors per
 *       request ({@code input}); a backend slower than its share of the weights loses weight.</li>
 *   <li>{@code congestion}: weights in inverse proportion to latency, the fastest backend at
 *       {@code maxWeight}.</li>
 * </ul>
 * A backend that served nothing in the interval keeps the latency it had last
 * ({@code lastLatency}), or the pool's mean, so one idle interval does not throw its weight up.
 */
public final class WeightPolicy {

    private WeightPolicy() {
    }

    /**
     * @param settings    the pool's controller settings
     * @param pool        its aggregated load
     * @param current     the weights now, by backend name (the backends to weigh)
     * @param lastLatency the last latency seen per backend (read and updated)
     * @return the new weights in the order of {@code current}, or {@code null} when there is no load to go by
     */
    public static Map<String, Integer> compute(ControlledPoolConfig settings, PoolAggregate pool,
                                               Map<String, Integer> current, Map<String, Double> lastLatency) {
        int n = current.size();
        if (n == 0) {
            return null;
        }
        String[] names = current.keySet().toArray(String[]::new);
        int[] weights = new int[n];
        double[] latency = new double[n];
        double[] errors = new double[n];
        double known = 0;
        int knownCount = 0;
        for (int i = 0; i < n; i++) {
            weights[i] = Math.max(settings.minWeight(), Math.min(settings.maxWeight(), current.get(names[i])));
            BackendAggregate b = pool.backend(names[i]);
            if (b != null && b.requests() > 0) {
                latency[i] = b.p50Millis();
                errors[i] = b.errors() / b.requests();
                lastLatency.put(names[i], latency[i]);
            } else {
                latency[i] = lastLatency.getOrDefault(names[i], -1.0);
            }
            if (latency[i] >= 0) {
                known += latency[i];
                knownCount++;
            }
        }
        if (knownCount == 0) {
            return null;
        }
        double mean = known / knownCount;
        for (int i = 0; i < n; i++) {
            if (latency[i] < 0) {
                latency[i] = mean;
            }
        }
        int[] next = "congestion".equals(settings.policy())
                ? inverse(latency, settings.minWeight(), settings.maxWeight())
                : WeightFormula.compute(weights, List.of(new WeightFormula.Metric("service", 1, latency),
                        new WeightFormula.Metric("input", 1, errors)),
                        settings.minWeight(), settings.maxWeight(), settings.smoothing());
        if (next == null) {
            return null;
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            out.put(names[i], next[i]);
        }
        return out;
    }

    private static int[] inverse(double[] latency, int min, int max) {
        double fastest = Double.MAX_VALUE;
        for (double l : latency) {
            if (l > 0) {
                fastest = Math.min(fastest, l);
            }
        }
        int[] out = new int[latency.length];
        for (int i = 0; i < latency.length; i++) {
            double w = latency[i] <= 0 || fastest == Double.MAX_VALUE ? max : max * fastest / latency[i];
            out[i] = (int) Math.max(min, Math.min(max, Math.round(w)));
        }
        return out;
    }

    /**
     * The threshold function: whether a new publication matters. Weights: some weight moved by at
     * least {@code threshold} percent of its value ({@link WeightFormula#differsEnough}). Aggregates:
     * some backend's share of the load moved by at least {@code threshold} points, or a backend
     * came or went.
     */
    public static boolean matters(ControlledPoolConfig settings, Publication previous, Map<String, Integer> weights,
                                  PoolAggregate aggregate) {
        if (previous == null) {
            return true;
        }
        if (!settings.nodesCompute()) {
            if (previous.weights() == null || !previous.weights().keySet().equals(weights.keySet())) {
                return true;
            }
            int[] a = previous.weights().values().stream().mapToInt(Integer::intValue).toArray();
            int[] b = weights.values().stream().mapToInt(Integer::intValue).toArray();
            return WeightFormula.differsEnough(a, b, settings.threshold());
        }
        PoolAggregate was = previous.aggregate();
        if (was == null || was.backends().size() != aggregate.backends().size()) {
            return true;
        }
        for (BackendAggregate b : aggregate.backends()) {
            BackendAggregate old = was.backend(b.backend());
            if (old == null || Math.abs(old.sharePercent() - b.sharePercent()) >= settings.threshold()) {
                return true;
            }
        }
        return false;
    }
}
