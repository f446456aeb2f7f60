/** Sticky sessions shared between the proxies of a pool over a small peer channel. */
package io.fulcrum.cluster.sticky;
