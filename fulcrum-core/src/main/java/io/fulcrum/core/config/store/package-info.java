/**
 * Configuration of the configuration store: the kind of extension the {@code store} section
 * names ({@link io.fulcrum.core.config.store.StoreType}) and the etcd store's settings.
 */
package io.fulcrum.core.config.store;
