package io.fulcrum.proxy;

import io.fulcrum.core.config.FulcrumConfig;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * The HTTP data plane: owns the event loops, binds every listener of a
 * configuration and proxies requests to the pools' backends.
 *
 * <p>Lifecycle: construct, {@link #start()}, then {@link #shutdownGracefully()} or
 * {@link #close()}.
 */
public final class ProxyServer implements AutoCloseable {

    /** Builds the runtime from a validated configuration; binds nothing yet. */
    public ProxyServer(FulcrumConfig config) {
        throw new UnsupportedOperationException("in progress");
    }

    /**
     * Binds every listener and starts serving.
     *
     * @throws java.io.IOException when a listener cannot be bound (the message names the listener and address)
     */
    public void start() throws java.io.IOException {
        throw new UnsupportedOperationException("in progress");
    }

    /** Listener name to the address it is actually bound to (port 0 in the configuration resolves here). */
    public Map<String, InetSocketAddress> boundAddresses() {
        throw new UnsupportedOperationException("in progress");
    }

    /** Stops accepting, lets in-flight requests finish up to the configured grace period, then closes everything. */
    public void shutdownGracefully() {
        throw new UnsupportedOperationException("in progress");
    }

    @Override
    public void close() {
        shutdownGracefully();
    }
}
