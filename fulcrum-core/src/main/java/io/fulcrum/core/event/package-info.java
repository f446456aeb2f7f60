/** Structured events: every state change of the running node, with time, reason and actor. */
package io.fulcrum.core.event;
