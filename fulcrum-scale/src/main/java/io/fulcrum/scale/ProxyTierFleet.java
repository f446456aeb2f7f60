package io.fulcrum.scale;

import java.util.List;

/**
 * The cluster as the proxy tier's autoscaler sees it: whether this node leads, the proxy nodes (live and
 * draining members with the {@code proxy} role) with the load each published, and the tier's intent in
 * the fleet's store, written by fenced compare-and-swap so that a new leader continues without doing
 * anything twice. fulcrum-scale knows nothing of etcd: the node wires it.
 *
 * <p>Calls block (bounded by the store's request timeout); the scaler calls them on its own thread.
 */
public interface ProxyTierFleet {

    /** Whether this node leads now (and may write). */
    boolean leads();

    /** Who leads, for the status view ({@code ""} while nobody does). */
    String leader();

    /** The proxy nodes registered now, up or draining, with their last published load. */
    List<ProxyNode> proxies();

    /** The tier's intent and its version (null and 0: none was written). */
    ScaleFleet.Stored read() throws ScaleFleet.Unavailable;

    /**
     * Writes the tier's intent if it still has {@code version} and this node still leads.
     *
     * @return the new version, or 0 when another write came first or another node leads (nothing written)
     */
    long write(long version, ScaleIntent intent) throws ScaleFleet.Unavailable;

    /**
     * The operator's settings of the tier (pause, size) as the fleet keeps them, with their version
     * ({@link OperatorSettings#NONE} and 0 when none are stored). Any member writes them.
     */
    ScaleFleet.StoredSettings readOperator() throws ScaleFleet.Unavailable;

    /**
     * Writes the tier's operator settings if they still have {@code version}, whichever node leads.
     *
     * @return the new version, or 0 when another write came first (nothing written)
     */
    long writeOperator(long version, OperatorSettings settings) throws ScaleFleet.Unavailable;

    /**
     * One proxy node.
     *
     * @param id                its node id
     * @param draining          whether it registered draining (DNS no longer answers with it)
     * @param address           where its proxy serves ({@code host:port}; empty when it registered none)
     * @param requestsPerSecond requests it finished per second over its last published interval (all pools)
     * @param clientConnections client connections open to it at its last publication
     * @param statsAt           when its last statistics were taken (epoch ms; 0: none published yet)
     */
    record ProxyNode(String id, boolean draining, String address, double requestsPerSecond, int clientConnections,
                     long statsAt) {

        /** Whether it published statistics. */
        public boolean reported() {
            return statsAt > 0;
        }
    }
}
