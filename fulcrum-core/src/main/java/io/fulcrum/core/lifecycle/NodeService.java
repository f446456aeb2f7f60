package io.fulcrum.core.lifecycle;

import io.fulcrum.core.config.FulcrumConfig;

import java.io.IOException;

/**
 * One part of a running Fulcrum node beside the proxy (health monitors, DNS server,
 * site-state peers, admin API…). The node starts each service after the proxy, hands
 * it every configuration that the proxy has accepted, and closes them in reverse order.
 *
 * <p>{@link #apply} is called off the event loops, one call at a time, and must not
 * drop the service's live state (connections, health history) for parts whose
 * configuration did not change.
 */
public interface NodeService extends AutoCloseable {

    /** A short name for logs ({@code health}, {@code dns}, {@code admin}). */
    String name();

    /** Starts serving with the first configuration. */
    void start(FulcrumConfig config) throws IOException;

    /** Takes a new, already validated configuration. */
    void apply(FulcrumConfig config) throws IOException;

    /**
     * Whether the configuration in force gives this service work. A node builds its optional
     * services (L4, GSLB, DNS) whatever its configuration says, since a reload may turn them on;
     * the admin API lists and serves only the services in use, so a node reports what it is
     * configured to do, not what it was built able to do.
     */
    default boolean inUse() {
        return true;
    }

    /** Stops, releasing sockets and threads. Must not throw. */
    @Override
    void close();
}
