/** The shared view of GSLB site state, written by the site-state peers and read by DNS and the proxy. */
package io.fulcrum.core.gslb;
