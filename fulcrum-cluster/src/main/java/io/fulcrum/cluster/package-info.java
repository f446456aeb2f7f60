/**
 * The fleet on etcd: a node's configuration kept in etcd and followed there
 * ({@link io.fulcrum.cluster.store}), the members and their leases
 * ({@link io.fulcrum.cluster.member}), the elected leader ({@link io.fulcrum.cluster.election}), and the etcd client every cluster part shares
 * ({@link io.fulcrum.cluster.etcd}).
 */
package io.fulcrum.cluster;
