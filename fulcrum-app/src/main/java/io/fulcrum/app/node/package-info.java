/** A running node: the proxy and the services beside it, started, reloaded and stopped together. */
package io.fulcrum.app.node;
