package io.fulcrum.control.store;

import java.util.List;

/**
 * What a push wrote.
 *
 * @param revision the store revision of the transaction (the current one when nothing changed)
 * @param put      keys written (relative to the configuration prefix)
 * @param deleted  keys deleted
 */
public record PushResult(long revision, List<String> put, List<String> deleted) {

    public PushResult {
        put = List.copyOf(put);
        deleted = List.copyOf(deleted);
    }

    /** Whether the store already held this configuration. */
    public boolean unchanged() {
        return put.isEmpty() && deleted.isEmpty();
    }
}
