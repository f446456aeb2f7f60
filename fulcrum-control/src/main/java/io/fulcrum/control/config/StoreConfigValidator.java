package io.fulcrum.control.config;

import io.fulcrum.core.config.store.StoreType;
import io.fulcrum.core.extension.ExtensionConfig;

import java.util.function.BiConsumer;

/**
 * The {@code store} section, checked through the registry of configuration stores: the
 * store must be registered (the {@code etcd} store is, by {@code fulcrum-cluster}) and its
 * factory must accept the settings, each problem at its field ({@code store.etcd.prefix}).
 */
final class StoreConfigValidator {

    private StoreConfigValidator() {
    }

    static void check(ExtensionConfig<StoreType<?>> store, String path, BiConsumer<String, String> error) {
        ExtensionChecks.check(path, store, StoreType.registry(), error);
    }
}
