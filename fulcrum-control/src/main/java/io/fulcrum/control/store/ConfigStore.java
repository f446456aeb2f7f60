package io.fulcrum.control.store;

import io.fulcrum.control.config.ConfigException;
import io.fulcrum.control.config.LoadedConfig;
import io.fulcrum.control.reload.ReloadResult;
import io.fulcrum.core.config.FulcrumConfig;

import java.io.IOException;
import java.util.List;

/**
 * One open configuration store, the one SPI every store kind implements ({@code file},
 * {@code etcd}, ...). {@link #load} gives the first configuration, before the node exists;
 * {@link #watch} then hands every following one to a listener, which on a node is the one
 * reload path ({@code ConfigReloader.offer}): a store never applies anything itself. A store
 * that keeps revisions (etcd) also takes {@link #push pushes} and answers {@link #get} and
 * {@link #history}; the others refuse them.
 *
 * <p>Implementations are thread-safe; listeners are called on a thread of the store, one
 * call at a time.
 */
public interface ConfigStore extends AutoCloseable {

    /** What the configuration is called in messages (a file name, {@code etcd:/prefix}). */
    String source();

    /**
     * The configuration to start with, validated.
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

    /**
     * Writes a configuration in one transaction (the caller validates first).
     *
     * @param yaml   the configuration text
     * @param author who pushes, for the history
     * @throws StoreException when the store cannot be written, or takes no pushes
     */
    default PushResult push(String yaml, String author) throws StoreException {
        throw new StoreException(source() + " takes no pushes: edit it where it is kept");
    }

    /**
     * The configuration the store holds now, at one revision.
     *
     * @throws StoreException when it cannot be read, or the store keeps no revisions
     */
    default StoreSnapshot get() throws StoreException {
        throw new StoreException(source() + " keeps no revisions");
    }

    /**
     * The last pushes, newest first.
     *
     * @throws StoreException when they cannot be read, or the store keeps no history
     */
    default List<PushRecord> history(int limit) throws StoreException {
        throw new StoreException(source() + " keeps no history");
    }

    /** Stops watching; no listener call starts after it returns. */
    @Override
    void close();

    /** Where a store hands its changes: on a node, the reloader. */
    interface Listener {

        /**
         * A new configuration that passed validation, with the shape of {@code ConfigReloader.offer}.
         *
         * @param trigger what brought it, for the log ({@code file change}, {@code store revision 7})
         * @return the reload's result: a store that keeps a last good copy keeps it only when it succeeded
         */
        ReloadResult offer(FulcrumConfig candidate, String source, String trigger);

        /** A change that cannot be used; the running configuration keeps serving. */
        void refused(ConfigException problems, String source);
    }
}
