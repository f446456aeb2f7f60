/** Leader election on a lease-guarded etcd key, with the leader key's create revision as fencing token. */
package io.fulcrum.cluster.election;
