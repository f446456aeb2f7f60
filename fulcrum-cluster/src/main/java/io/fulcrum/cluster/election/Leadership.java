package io.fulcrum.cluster.election;

import java.util.Optional;

/**
 * Whether this node is the cluster's elected leader, for the parts that only the leader
 * may run (the controller). A leader's writes must be fenced: each write to etcd compares
 * the leader key's create revision with {@link #fencingRevision()} in the same transaction
 * ({@code Cmp(leaderKey, EQUAL, createRevision(fencingRevision()))}), so that a node that
 * lost its lease without knowing yet cannot write anything.
 */
public interface Leadership {

    /** Whether this node leads now: it holds the leader key and its lease cannot have expired yet. */
    boolean isLeader();

    /** The create revision of the leader key this node holds (its fencing token), or 0 when not leader. */
    long fencingRevision();

    /** The leader as this node last saw it (empty while there is none, or before etcd answered). */
    Optional<Leader> leader();

    /** The etcd key the leader holds (for the fencing compare). */
    String leaderKey();

    /**
     * Calls {@code listener} after each change of leader seen by this node, including this
     * node gaining or losing leadership (on the cluster thread: it must not block).
     *
     * @return the way to stop
     */
    AutoCloseable onChange(Runnable listener);

    /**
     * A leader.
     *
     * @param nodeId          its node id
     * @param fencingRevision the create revision of its leader key
     * @param lease           the lease that holds the key (hexadecimal)
     */
    record Leader(String nodeId, long fencingRevision, String lease) {
    }
}
