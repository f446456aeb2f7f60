package io.fulcrum.core.config.store;

import io.fulcrum.core.extension.ExtensionConfig;
import io.fulcrum.core.extension.ExtensionFactory;

/**
 * Where a node's desired configuration comes from. Absent, or with no store named, it is
 * the file the node was started from (today's single-node behaviour). With {@code etcd},
 * the file is only the bootstrap (this node's identity, the store, the admin server) and
 * the rest of the configuration is read from etcd and followed there.
 *
 * <p>The section names one store of the {@code ConfigStoreFactory} registry (in
 * {@code fulcrum-control}) and nests its settings under the name, as every extension's are:
 * {@link #extension()} is that choice, through which the store is validated and opened.
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

    /**
     * The store chosen, as the registry of configuration stores takes it: {@code file} with its
     * defaults (the node's own file), or {@code etcd} with these settings.
     *
     * @param <F> the kind, {@code ConfigStoreFactory<?>} (declared in {@code fulcrum-control})
     */
    public <F extends ExtensionFactory<?>> ExtensionConfig<F> extension() {
        return new ExtensionConfig<>(kind(), etcd);
    }
}
