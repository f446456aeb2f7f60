/**
 * Configuration stores: where a node's configuration comes from and how its changes
 * reach the node. A store is an extension registered by name
 * ({@link io.fulcrum.core.config.store.StoreType}, opened through
 * {@link io.fulcrum.control.store.ConfigStoreFactory}); {@code file} (a YAML file,
 * watched) is the built-in one, {@code etcd} comes from {@code fulcrum-cluster}. A store loads a candidate
 * {@link io.fulcrum.core.config.FulcrumConfig} and hands each change to a
 * {@link io.fulcrum.control.store.ConfigStore.Listener}, which on a node is the
 * reloader's {@code offer}: a store never applies anything itself. Stores that keep revisions
 * also take pushes ({@link io.fulcrum.control.store.PushResult}) and answer with their
 * {@link io.fulcrum.control.store.StoreSnapshot snapshots} and history.
 */
package io.fulcrum.control.store;
