package io.fulcrum.control.store;

import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.LoadedConfig;
import io.fulcrum.core.config.FulcrumConfig;

import java.io.IOException;

/**
 * One open configuration store. {@link #load} gives the configuration as the store
 * holds it now, validated; {@link #watch} hands every later change to a listener (a
 * valid candidate, or the problems of an invalid one) until the store is closed.
 * Implementations are thread-safe; listeners are called on a thread of the store, one
 * call at a time.
 */
public interface ConfigStore extends AutoCloseable {

    /** What the configuration is called in messages (a file name, a key in etcd). */
    String source();

    /**
     * The configuration as stored now.
     *
     * @throws ConfigException listing every problem (with lines where the store has text)
     * @throws IOException     when the store cannot be read
     */
    LoadedConfig load() throws ConfigException, IOException;

    /**
     * Starts handing changes to {@code listener}; at most once per store.
     *
     * @throws IOException when the store cannot be watched
     */
    void watch(Listener listener) throws IOException;

    /** Stops watching; no listener call starts after it returns. */
    @Override
    void close();

    /** Where a store hands its changes: on a node, the reloader. */
    interface Listener {

        /** A new configuration that passed validation. */
        void candidate(FulcrumConfig candidate, String source);

        /** A change that cannot be used; the running configuration keeps serving. */
        void refused(ConfigException problems, String source);
    }
}
