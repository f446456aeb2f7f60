package io.fulcrum.core.config.health;

/**
 * Relative importance w_i of each metric class in the weight loop (normalised to sum to 1
 * over the classes that have data).
 *
 * @param input   connection deltas between recomputations (from the proxy's own counters)
 * @param host    the host metric reported by the agents
 * @param service the active checks' response time
 */
public record MetricImportanceConfig(Integer input, Integer host, Integer service) {

    public MetricImportanceConfig {
        input = input == null ? 1 : input;
        host = host == null ? 1 : host;
        service = service == null ? 1 : service;
    }

    public static MetricImportanceConfig defaults() {
        return new MetricImportanceConfig(null, null, null);
    }
}
