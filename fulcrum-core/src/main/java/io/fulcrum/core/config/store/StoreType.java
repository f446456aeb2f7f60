package io.fulcrum.core.config.store;

import io.fulcrum.core.extension.ExtensionFactory;
import io.fulcrum.core.extension.ExtensionPoint;
import io.fulcrum.core.extension.ExtensionRegistry;

/**
 * A kind of configuration store, as the {@code store} section names it: its name, its
 * typed settings (nested under the name, {@code store: {etcd: {endpoints: [...]}}}) and
 * their validation. This is the kind the configuration binds and validates against; how a
 * store is opened is the sub-interface {@code ConfigStoreFactory} of {@code fulcrum-control},
 * which every store implements. Stores are registered in
 * {@code META-INF/services/io.fulcrum.core.config.store.StoreType}: {@code file} by
 * {@code fulcrum-control}, {@code etcd} by {@code fulcrum-cluster}.
 *
 * @param <S> its settings (where the configuration is, how to reach it)
 */
@ExtensionPoint("configuration store")
public interface StoreType<S extends Record> extends ExtensionFactory<S> {

    /** The store of a configuration without a {@code store} section: the node's own file. */
    String FILE = "file";

    /** The registry of configuration stores, the one owner of their names. */
    static ExtensionRegistry<StoreType<?>> registry() {
        return ExtensionRegistry.of(StoreType.class);
    }
}
