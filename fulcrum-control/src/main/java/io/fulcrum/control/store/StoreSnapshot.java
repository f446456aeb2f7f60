package io.fulcrum.control.store;

/**
 * A whole configuration as a store holds it at one revision.
 *
 * @param yaml      the configuration text (assembled from the store's keys)
 * @param revision  the store revision it was read at
 * @param fromLocal whether it comes from the snapshot kept on this node's disk (the store was unreachable)
 */
public record StoreSnapshot(String yaml, long revision, boolean fromLocal) {
}
