/**
 * The remote-VIP monitor: every site's VIPs checked with the health engine's checks
 * ({@code fulcrum-health}: the same check types, rise/fall and time-weighted average as a
 * pool's backends), blocking on virtual threads and timed on the GSLB service's own event
 * loop, never on the proxy's.
 */
package io.fulcrum.gslb.check;
