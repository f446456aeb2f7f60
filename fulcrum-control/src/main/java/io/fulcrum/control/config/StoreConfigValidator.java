package io.fulcrum.control.config;

import io.fulcrum.control.store.ConfigStoreFactory;
import io.fulcrum.core.config.store.StoreConfig;

import java.util.function.BiConsumer;

/**
 * The {@code store} section, checked through the registry of configuration stores: the
 * store must be registered (the {@code etcd} store is, by {@code fulcrum-cluster}) and its
 * factory must accept the settings, each problem at its field ({@code store.etcd.prefix}).
 */
final class StoreConfigValidator {

    private StoreConfigValidator() {
    }

    static void check(StoreConfig store, String path, BiConsumer<String, String> error) {
        ExtensionChecks.check(path, store.extension(), ConfigStoreFactory.registry(), error);
    }
}
