package io.fulcrum.app.node;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.lifecycle.NodeService;

/**
 * Base of the small adapters that show a module to the admin API (as an
 * {@code AdminReadable}, {@code MetricsSource} or {@code MetricImportanceSink}) without
 * either module depending on the other. An adapter owns no sockets or threads; it only
 * keeps the configuration in force, for views that need it.
 */
abstract class AdminBridge implements NodeService {

    private final String name;
    private volatile FulcrumConfig config;

    AdminBridge(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final void start(FulcrumConfig config) {
        this.config = config;
    }

    @Override
    public final void apply(FulcrumConfig config) {
        this.config = config;
    }

    @Override
    public final void close() {
    }

    /** The configuration in force, or {@code null} before the node started. */
    final FulcrumConfig config() {
        return config;
    }
}
