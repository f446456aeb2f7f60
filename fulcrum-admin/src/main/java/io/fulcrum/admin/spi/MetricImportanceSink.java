package io.fulcrum.admin.spi;

import java.util.Map;

/**
 * A node service that recomputes weights from metrics (the manager's feedback loop,
 * requirements 2.2 item 6) and takes the operator's importance of each metric class. The admin
 * service hands it the persisted values at start, after every reload and on every change.
 */
public interface MetricImportanceSink {

    /**
     * The importance of each metric class ({@code input}, {@code host}, {@code service},
     * {@code user}...) for one pool; an empty map means "back to the configured values".
     */
    void metricImportance(String pool, Map<String, Double> importance);
}
