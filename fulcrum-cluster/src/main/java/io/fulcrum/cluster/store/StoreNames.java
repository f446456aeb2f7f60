package io.fulcrum.cluster.store;

import io.fulcrum.core.config.store.StoreConfig;

import java.nio.file.Path;

/**
 * The configuration stores this module provides, by the name a configuration gives them
 * ({@code store: {etcd: ...}}): the one place that maps a name to its implementation, for the
 * node and for the extension registry to plug in.
 */
public final class StoreNames {

    /** The name of the etcd store. */
    public static final String ETCD = "etcd";

    private StoreNames() {
    }

    /**
     * The store a configuration names, or {@code null} for the file store (the node's own file,
     * which needs no store object).
     *
     * @param store   the {@code store} section
     * @param baseDir the bootstrap file's directory
     */
    public static ConfigStore open(StoreConfig store, Path baseDir) {
        return switch (store.kind()) {
            case ETCD -> new EtcdStore(store.etcd(), baseDir);
            default -> null;
        };
    }
}
