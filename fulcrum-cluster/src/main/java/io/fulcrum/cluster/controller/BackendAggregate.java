package io.fulcrum.cluster.controller;

/**
 * One backend's load summed over every node that reported it, per second.
 *
 * @param backend      the backend's name
 * @param nodes        how many nodes reported it
 * @param newFlows     connections opened per second, all nodes
 * @param activeFlows  connections open, all nodes
 * @param requests     requests finished per second, all nodes
 * @param bytesIn      request bytes per second
 * @param bytesOut     response bytes per second
 * @param errors       failed requests per second
 * @param p50Millis    median latency (the nodes' medians weighted by their requests)
 * @param p99Millis    the highest 99th percentile any node saw
 * @param rttMillis    mean TCP RTT over the nodes that read one
 * @param retransmits  TCP retransmissions per second
 * @param sharePercent its share of the pool's requests (relative congestion), 0 to 100
 */
public record BackendAggregate(String backend, int nodes, double newFlows, int activeFlows, double requests,
                               double bytesIn, double bytesOut, double errors, double p50Millis, double p99Millis,
                               double rttMillis, double retransmits, double sharePercent) {
}
