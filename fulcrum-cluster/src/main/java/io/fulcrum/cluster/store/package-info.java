/**
 * The configuration store: a node's desired configuration kept in etcd, split by section and
 * object ({@link io.fulcrum.cluster.store.ConfigLayout}), pushed in one transaction and
 * followed revision by revision ({@link io.fulcrum.cluster.store.EtcdStore}), with a local
 * snapshot to start from when etcd is unreachable.
 */
package io.fulcrum.cluster.store;
