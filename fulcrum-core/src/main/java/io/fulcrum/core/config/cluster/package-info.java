/** Configuration of this node as a cluster member: identity, roles, lease. */
package io.fulcrum.core.config.cluster;
