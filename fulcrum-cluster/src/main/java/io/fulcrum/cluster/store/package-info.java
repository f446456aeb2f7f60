/**
 * The configuration store: a node's desired configuration kept in etcd, split by section and
 * object ({@link io.fulcrum.cluster.store.ConfigLayout}), pushed in one transaction and
 * followed revision by revision ({@link io.fulcrum.cluster.store.EtcdStore}), with a local
 * snapshot to start from when etcd is unreachable. It is the {@code etcd} store of the one
 * configuration store SPI ({@link io.fulcrum.control.store.ConfigStore}), registered by name
 * through {@link io.fulcrum.cluster.store.EtcdStoreFactory}; a node opens it as an
 * {@link io.fulcrum.cluster.store.EtcdConfigStore}.
 */
package io.fulcrum.cluster.store;
