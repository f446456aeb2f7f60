/** The state file: the operator's changes, laid over every configuration the node applies. */
package io.fulcrum.admin.state;
