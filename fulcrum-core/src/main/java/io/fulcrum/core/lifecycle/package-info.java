/** The life cycle shared by the services of a node: start, apply a new configuration, close. */
package io.fulcrum.core.lifecycle;
