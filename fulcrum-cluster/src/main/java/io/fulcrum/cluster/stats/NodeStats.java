package io.fulcrum.cluster.stats;

import java.util.List;

/**
 * What one node publishes each interval.
 *
 * @param node           the node's name
 * @param epochMillis    when it was taken
 * @param intervalMillis the interval it covers
 * @param backends       one entry per backend of every pool the node serves
 * @param clientConnections client connections open to the node's proxy at the end of the interval (what a
 *                          draining proxy node waits for, and the proxy tier's {@code connectionsPerNode})
 */
public record NodeStats(String node, long epochMillis, long intervalMillis, List<BackendStats> backends,
                        int clientConnections) {

    public NodeStats {
        backends = List.copyOf(backends);
    }

    /** Statistics without a count of client connections (0). */
    public NodeStats(String node, long epochMillis, long intervalMillis, List<BackendStats> backends) {
        this(node, epochMillis, intervalMillis, backends, 0);
    }
}
