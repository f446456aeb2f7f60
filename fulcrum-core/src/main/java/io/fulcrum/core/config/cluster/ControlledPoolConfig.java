package io.fulcrum.core.config.cluster;

import java.time.Duration;

/**
 * How the controller drives one pool's weights.
 *
 * @param name      the pool
 * @param mode      {@code weights}: the leader computes the weights and publishes them;
 *                  {@code aggregates}: the leader publishes the aggregated statistics and every
 *                  node computes the weights itself with the same policy (default {@code weights})
 * @param policy    {@code manager}: the adaptive-weights formula of the health manager (docs/health.md),
 *                  fed with each backend's latency and active flows; {@code congestion}: weights in
 *                  inverse proportion to each backend's latency (default {@code manager})
 * @param minWeight lowest weight given (default 1)
 * @param maxWeight highest weight given (default 100)
 * @param smoothing the manager formula's smoothing factor, at least 1 (default 2)
 * @param threshold percent: a new weight set is published only when some weight moved by at least
 *                  this much of its value (aggregates: some backend's share of the load, in points)
 *                  (default 10)
 * @param validFrom delay after publication from which nodes apply it (default 0: at once), so that
 *                  every node switches at the same moment
 */
public record ControlledPoolConfig(String name, String mode, String policy, Integer minWeight, Integer maxWeight,
                                   Integer smoothing, Integer threshold, Duration validFrom) {

    public ControlledPoolConfig {
        mode = mode == null ? "weights" : mode;
        policy = policy == null ? "manager" : policy;
        minWeight = minWeight == null ? 1 : minWeight;
        maxWeight = maxWeight == null ? 100 : maxWeight;
        smoothing = smoothing == null ? 2 : smoothing;
        threshold = threshold == null ? 10 : threshold;
        validFrom = validFrom == null ? Duration.ZERO : validFrom;
    }

    /** Whether nodes compute the weights from published aggregates. */
    public boolean nodesCompute() {
        return "aggregates".equals(mode);
    }
}
