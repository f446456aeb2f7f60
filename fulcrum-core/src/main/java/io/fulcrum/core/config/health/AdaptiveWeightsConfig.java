package io.fulcrum.core.config.health;

import java.time.Duration;
import java.util.List;

/**
 * The manager's weight loop for one pool (requirements 2.2 item 6):
 * {@code NWV_i = AW + (CWP - MP_i) / SF}, {@code NW = sum(NWV_i * w_i)}.
 *
 * @param enabled    on/off
 * @param interval   recomputation period
 * @param minWeight  lowest weight the loop gives
 * @param maxWeight  highest weight the loop gives (AW is the middle of min..max)
 * @param smoothing  SF, the smoothing factor (larger = gentler steps)
 * @param threshold  new weights are pushed only when one differs from the current by at least this percent
 * @param importance w_i of each metric class
 * @param hostMetric host metric from the agents: {@code cpu}, {@code memory}, {@code connections} or {@code script:<name>}
 * @param fixed      names of backends whose weight the loop never changes
 */
public record AdaptiveWeightsConfig(Boolean enabled, Duration interval, Integer minWeight, Integer maxWeight,
                                    Integer smoothing, Integer threshold, MetricImportanceConfig importance,
                                    String hostMetric, List<String> fixed) {

    public AdaptiveWeightsConfig {
        enabled = enabled == null ? Boolean.TRUE : enabled;
        interval = interval == null ? Duration.ofSeconds(2) : interval;
        minWeight = minWeight == null ? 1 : minWeight;
        maxWeight = maxWeight == null ? 100 : maxWeight;
        smoothing = smoothing == null ? 2 : smoothing;
        threshold = threshold == null ? 10 : threshold;
        importance = importance == null ? MetricImportanceConfig.defaults() : importance;
        hostMetric = hostMetric == null ? "cpu" : hostMetric;
        fixed = fixed == null ? List.of() : List.copyOf(fixed);
    }
}
