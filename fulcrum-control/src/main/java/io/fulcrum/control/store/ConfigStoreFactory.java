package io.fulcrum.control.store;

import io.fulcrum.core.extension.ExtensionConfig;
import io.fulcrum.core.extension.ExtensionFactory;
import io.fulcrum.core.extension.ExtensionPoint;
import io.fulcrum.core.extension.ExtensionRegistry;

import java.io.IOException;

/**
 * A kind of configuration store, registered by name in
 * {@code META-INF/services/io.fulcrum.control.store.ConfigStoreFactory}: {@code file}
 * ({@link FileConfigStore}) is built in; {@code fulcrum-cluster} adds {@code etcd} the same
 * way, without an edit here.
 *
 * @param <S> its settings (where the configuration is, how to reach it)
 */
@ExtensionPoint("configuration store")
public interface ConfigStoreFactory<S extends Record> extends ExtensionFactory<S> {

    /**
     * Opens the store with settings that passed {@link #validate}.
     *
     * @param context the bootstrap file and the node's compile check
     * @throws IOException when it cannot be reached
     */
    ConfigStore open(S settings, StoreContext context) throws IOException;

    /**
     * Opens the store a configuration chooses, found by its name in {@link #registry()}.
     *
     * @param chosen  the {@code store} section as an extension, settings already validated
     * @param context the bootstrap file and the node's compile check
     * @throws io.fulcrum.core.config.InvalidFieldException when no store has that name
     * @throws IOException when it cannot be reached
     */
    static ConfigStore open(ExtensionConfig<ConfigStoreFactory<?>> chosen, StoreContext context) throws IOException {
        return open(registry().get(chosen.name()), chosen.settings(), context);
    }

    private static <S extends Record> ConfigStore open(ConfigStoreFactory<S> factory, Record settings,
                                                       StoreContext context) throws IOException {
        return factory.open(factory.settings(settings), context);
    }

    /** The registry of configuration stores, the one owner of their names. */
    static ExtensionRegistry<ConfigStoreFactory<?>> registry() {
        return ExtensionRegistry.of(ConfigStoreFactory.class);
    }
}
