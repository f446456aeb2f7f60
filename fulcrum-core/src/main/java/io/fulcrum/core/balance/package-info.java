/**
 * Load-balancing algorithms: plain objects with no I/O behind one interface,
 * {@link io.fulcrum.core.balance.LoadBalancer}, created by name through
 * {@link io.fulcrum.core.balance.BalancerRegistry}.
 */
package io.fulcrum.core.balance;
