/** The host agent ({@code fulcrum agent}): host metrics and the shadow connection table over HTTP, and the manager's poller. */
package io.fulcrum.health.agent;
