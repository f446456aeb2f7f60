package io.fulcrum.cluster.stats;

/**
 * One backend's numbers on one node over one publication interval. Rates are per second.
 *
 * @param pool        the pool
 * @param backend     the backend's name in the pool
 * @param newFlows    connections opened to it per second
 * @param activeFlows connections open to it at the end of the interval
 * @param requests    requests it finished per second
 * @param bytesIn     request body bytes sent to it per second
 * @param bytesOut    response body bytes read from it per second
 * @param errors      failed requests per second (5xx answers, connect errors, resets, timeouts)
 * @param p50Millis   median latency over the interval (0: no request)
 * @param p90Millis   90th percentile
 * @param p99Millis   99th percentile
 * @param rttMillis   smoothed TCP round-trip time of its connections (TCP_INFO; 0: not read)
 * @param retransmits TCP segments retransmitted to it per second (TCP_INFO)
 * @param weight      the weight this node's balancer gives it now
 */
public record BackendStats(String pool, String backend, double newFlows, int activeFlows, double requests,
                           double bytesIn, double bytesOut, double errors, double p50Millis, double p90Millis,
                           double p99Millis, double rttMillis, double retransmits, int weight) {
}
