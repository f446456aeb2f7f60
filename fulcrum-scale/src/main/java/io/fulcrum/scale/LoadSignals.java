package io.fulcrum.scale;

import io.fulcrum.core.backend.Backend;

/**
 * The load readings of a backend that its own counters do not hold, taken from the services that
 * publish them: the admin statistics' latency percentiles and the host agents' reports (the node
 * wires them in, so that this module depends on neither).
 */
public interface LoadSignals {

    /** No latency or host readings (every such metric is unknown). */
    LoadSignals NONE = new LoadSignals() {
        @Override
        public double p99Millis(Backend b) {
            return Double.NaN;
        }

        @Override
        public double hostCpuPercent(Backend b) {
            return Double.NaN;
        }
    };

    /** The 99th percentile of its response times over the last seconds, in ms; NaN without samples. */
    double p99Millis(Backend b);

    /** Requests it finished over the same seconds (the weight of its p99 in the pool's); 0 when unknown. */
    default double requestsPerSecond(Backend b) {
        return 0;
    }

    /** Its host's CPU use in percent from the latest fresh agent report; NaN without one. */
    double hostCpuPercent(Backend b);
}
