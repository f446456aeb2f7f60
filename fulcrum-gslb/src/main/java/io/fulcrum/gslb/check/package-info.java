/**
 * Checks of the other sites' VIPs (TCP open/close or an HTTP GET), timed, with up/down
 * thresholds and a time-weighted average response time per VIP. They run on the GSLB
 * service's own event loop, never on the proxy's.
 */
package io.fulcrum.gslb.check;
