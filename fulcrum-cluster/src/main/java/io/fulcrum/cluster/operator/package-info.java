/**
 * The operator's run-time changes (drain, fail, weight, added and removed backends) kept in
 * etcd for a whole fleet: {@link io.fulcrum.cluster.operator.OperatorStateStore}.
 */
package io.fulcrum.cluster.operator;
