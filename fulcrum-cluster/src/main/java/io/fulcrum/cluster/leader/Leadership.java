package io.fulcrum.cluster.leader;

/**
 * Whether this node is the cluster's elected leader, and the revision that fences its
 * writes: a leader writes to etcd only in a transaction that compares its leader key's
 * create revision with {@link #fencingRevision()}, so a deposed leader that has not noticed
 * yet cannot overwrite what the new one published.
 */
public interface Leadership {

    /** Told when this node becomes leader or stops being it. */
    @FunctionalInterface
    interface Listener {
        /**
         * @param leader          whether this node leads now
         * @param fencingRevision the revision fencing its writes while it leads (0 when not leading)
         */
        void leadershipChanged(boolean leader, long fencingRevision);
    }

    /** Whether this node leads now (as far as it knows). */
    boolean isLeader();

    /** The create revision of the leader key this node holds; 0 when it does not lead. */
    long fencingRevision();

    /** Adds a listener, called on the election's thread. */
    void addListener(Listener listener);

    /** Removes a listener. */
    void removeListener(Listener listener);
}
