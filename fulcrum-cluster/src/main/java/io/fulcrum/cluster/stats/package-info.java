/** Every node's per-backend statistics, collected each interval and published to etcd under a lease. */
package io.fulcrum.cluster.stats;
