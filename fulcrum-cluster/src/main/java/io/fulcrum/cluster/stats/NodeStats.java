package io.fulcrum.cluster.stats;

import java.util.List;

/**
 * What one node publishes each interval.
 *
 * @param node           the node's name
 * @param epochMillis    when it was taken
 * @param intervalMillis the interval it covers
 * @param backends       one entry per backend of every pool the node serves
 */
public record NodeStats(String node, long epochMillis, long intervalMillis, List<BackendStats> backends) {

    public NodeStats {
        backends = List.copyOf(backends);
    }
}
