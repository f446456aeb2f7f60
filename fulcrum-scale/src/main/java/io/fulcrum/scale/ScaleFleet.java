package io.fulcrum.scale;

import java.util.Map;

/**
 * The cluster, as the autoscaler sees it: whether this node leads (only the leader decides and acts),
 * the pool's load summed over every node, and the pools' intents in a store every node reads, written
 * by compare-and-swap so that a new leader continues what the previous one began without doing it
 * twice ({@link ScaleIntent}). A node outside a cluster has none: it runs its scalers itself, on its
 * own load.
 *
 * <p>Calls block (bounded by the store's request timeout); the scaler calls them on its own thread.
 */
public interface ScaleFleet {

    /** Whether this node leads now (and may write). */
    boolean leads();

    /** Who leads, for the status view ({@code ""} while nobody does). */
    String leader();

    /**
     * The pool's load per backend summed over every node that reported it, or null when none is known
     * (this node does not lead, or no statistics came in yet).
     */
    Map<String, FleetReading> load(String pool);

    /** The pool's intent and its version (version 0: none was written). */
    Stored read(String pool) throws Unavailable;

    /**
     * Writes the pool's intent if it still has {@code version} and this node still leads.
     *
     * @return the new version, or 0 when another write came first or another node leads (nothing written)
     */
    long write(String pool, long version, ScaleIntent intent) throws Unavailable;

    /**
     * The operator's settings of the pool (pause, size, protections) as the fleet keeps them, with their
     * version ({@link OperatorSettings#NONE} and 0 when none are stored). Unlike the intent, any member
     * writes them: the operator reaches the fleet through any node's admin API.
     */
    StoredSettings readOperator(String pool) throws Unavailable;

    /**
     * Writes the pool's operator settings if they still have {@code version}, whichever node leads.
     *
     * @return the new version, or 0 when another write came first (nothing written)
     */
    long writeOperator(String pool, long version, OperatorSettings settings) throws Unavailable;

    /** The operator's settings as stored, with their version. */
    record StoredSettings(OperatorSettings settings, long version) {
    }

    /** An intent as stored, with its version (null intent and 0 when none is stored). */
    record Stored(ScaleIntent intent, long version) {
    }

    /**
     * One backend's load over every node.
     *
     * @param requestsPerSecond requests finished per second, all nodes
     * @param activeFlows       connections open to it now, all nodes
     * @param p99Millis         the highest p99 any node saw (ms)
     */
    record FleetReading(double requestsPerSecond, int activeFlows, double p99Millis) {
    }

    /** The store could not be asked. */
    final class Unavailable extends Exception {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
