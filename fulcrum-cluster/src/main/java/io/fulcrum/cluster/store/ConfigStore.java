package io.fulcrum.cluster.store;

import java.util.List;
import java.util.Optional;

/**
 * Where a node's desired configuration is kept outside its own file, and followed.
 *
 * <p>A node {@link #start starts} from what the store holds (or, when the store cannot be
 * reached, from the last snapshot it kept locally), then {@link #follow follows} it: each
 * new revision is handed as one whole configuration, never part of a change. Operators
 * write with {@link #push}, one transaction per push.
 */
public interface ConfigStore extends AutoCloseable {

    /** Takes each configuration the store hands; returns whether it is now serving. */
    @FunctionalInterface
    interface Listener {
        /**
         * @param snapshot the whole configuration at one revision
         * @return {@code true} when it was applied (or equal to what serves): it is then kept as the
         *         last good snapshot; {@code false} when refused
         */
        boolean offer(StoreSnapshot snapshot);
    }

    /**
     * Connects and reads the configuration at one consistent revision; when the store cannot
     * be reached within its timeout, the last good snapshot kept locally.
     *
     * @return the configuration to start with, or empty when the store is unreachable and no snapshot exists
     */
    Optional<StoreSnapshot> start();

    /**
     * From now on hands every new revision to the listener, on a thread of the store's own
     * (one at a time); reconnects on its own while the store is unreachable.
     */
    void follow(Listener listener);

    /** The revision of the last configuration handed or read ({@code 0} before any). */
    long revision();

    /**
     * Writes a configuration: the keys that differ from what the store holds and the deletion
     * of those it no longer has, in one transaction. The caller validates first.
     *
     * @param yaml   the configuration text
     * @param author who pushes, for the history
     */
    PushResult push(String yaml, String author) throws StoreException;

    /** The configuration the store holds now, read at one revision. */
    StoreSnapshot get() throws StoreException;

    /** The last pushes, newest first, as far back as the store still has them (compaction ends it). */
    List<PushRecord> history(int limit) throws StoreException;

    /** Stops following and closes the connection. */
    @Override
    void close();
}
