package io.fulcrum.core.config.store;

/**
 * Where a node's desired configuration comes from. Absent, or with no store named, it is
 * the file the node was started from (today's single-node behaviour). With {@code etcd},
 * the file is only the bootstrap (this node's identity, the store, the admin server) and
 * the rest of the configuration is read from etcd and followed there.
 *
 * @param etcd the etcd store's settings, or {@code null} for the file store
 */
public record StoreConfig(@io.fulcrum.core.config.RestartRequired EtcdStoreConfig etcd) {

    /** The file store: what a configuration without a {@code store} section means. */
    public static StoreConfig file() {
        return new StoreConfig(null);
    }

    /** The store's registered name: {@code etcd} or {@code file}. */
    public String kind() {
        return etcd != null ? "etcd" : "file";
    }
}
