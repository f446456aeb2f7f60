/** Settings of the cluster parts a node runs beside the proxy: the controller, the sticky peers. */
package io.fulcrum.core.config.cluster;
