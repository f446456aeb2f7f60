/**
 * Settings of this node as a cluster member (identity, roles, lease) and of the cluster parts it runs
 * beside the proxy: the controller, the sticky peers.
 */
package io.fulcrum.core.config.cluster;
