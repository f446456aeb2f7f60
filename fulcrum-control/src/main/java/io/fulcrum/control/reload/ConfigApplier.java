package io.fulcrum.control.reload;

import io.fulcrum.core.config.FulcrumConfig;

import java.io.IOException;

/**
 * Puts a validated configuration into service; for the proxy this is
 * {@code ProxyServer::apply}. The reload logic drives the data plane only through this
 * interface, so {@code fulcrum-control} does not depend on the proxy.
 */
@FunctionalInterface
public interface ConfigApplier {

    /**
     * Applies {@code config}.
     *
     * @throws IOException when part of the change could not be put into service (a new
     *                     listener that cannot bind, say); what could be applied stays applied
     */
    void apply(FulcrumConfig config) throws IOException;
}
