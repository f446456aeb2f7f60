/**
 * Configuration stores: where a node's configuration comes from and how its changes
 * reach the node. A store is an extension registered by name
 * ({@link io.fulcrum.control.store.ConfigStoreFactory}); {@code file} (a YAML file,
 * watched) is the built-in one. A store loads a candidate
 * {@link io.fulcrum.core.config.FulcrumConfig} and hands each change to a
 * {@link io.fulcrum.control.store.ConfigStore.Listener}, which on a node is the
 * reloader's {@code offer}: a store never applies anything itself.
 */
package io.fulcrum.control.store;
