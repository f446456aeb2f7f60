package io.fulcrum.control.store;

import io.fulcrum.core.extension.ExtensionFactory;
import io.fulcrum.core.extension.ExtensionPoint;
import io.fulcrum.core.extension.ExtensionRegistry;

import java.io.IOException;

/**
 * A kind of configuration store, registered by name in
 * {@code META-INF/services/io.fulcrum.control.store.ConfigStoreFactory}: {@code file}
 * ({@link FileConfigStore}) is built in; another module (a cluster store on etcd) adds
 * its own the same way, without an edit here.
 *
 * @param <S> its settings (where the configuration is, how to reach it)
 */
@ExtensionPoint("configuration store")
public interface ConfigStoreFactory<S extends Record> extends ExtensionFactory<S> {

    /**
     * Opens the store with settings that passed {@link #validate}.
     *
     * @throws IOException when it cannot be reached
     */
    ConfigStore open(S settings) throws IOException;

    /** The registry of configuration stores, the one owner of their names. */
    static ExtensionRegistry<ConfigStoreFactory<?>> registry() {
        return ExtensionRegistry.of(ConfigStoreFactory.class);
    }
}
