package io.fulcrum.control.store;

import io.fulcrum.core.config.store.StoreType;
import io.fulcrum.core.extension.ExtensionConfig;

import java.io.IOException;

/**
 * A kind of configuration store that can be opened: its name, settings and their
 * validation are those of {@link StoreType} (what the {@code store} section is bound and
 * validated against), registered in
 * {@code META-INF/services/io.fulcrum.core.config.store.StoreType}: {@code file}
 * ({@link FileConfigStore}) is built in; {@code fulcrum-cluster} adds {@code etcd} the same
 * way, without an edit here.
 *
 * @param <S> its settings (where the configuration is, how to reach it)
 */
public interface ConfigStoreFactory<S extends Record> extends StoreType<S> {

    /**
     * Opens the store with settings that passed {@link #validate}.
     *
     * @param context the bootstrap file and the node's compile check
     * @throws IOException when it cannot be reached
     */
    ConfigStore open(S settings, StoreContext context) throws IOException;

    /**
     * Opens the store a configuration chooses, found by its name in {@link StoreType#registry()}.
     *
     * @param chosen  the {@code store} section, settings already validated
     * @param context the bootstrap file and the node's compile check
     * @throws io.fulcrum.core.config.InvalidFieldException when no store has that name
     * @throws IOException when it cannot be reached
     */
    static ConfigStore open(ExtensionConfig<StoreType<?>> chosen, StoreContext context) throws IOException {
        StoreType<?> type = StoreType.registry().get(chosen.name());
        if (!(type instanceof ConfigStoreFactory<?> factory)) {
            throw new IOException("the configuration store \"" + chosen.name() + "\" ("
                    + type.getClass().getName() + ") cannot be opened: it is not a ConfigStoreFactory");
        }
        return open(factory, chosen.settings(), context);
    }

    private static <S extends Record> ConfigStore open(ConfigStoreFactory<S> factory, Record settings,
                                                       StoreContext context) throws IOException {
        return factory.open(factory.settings(settings), context);
    }
}
