/** The GSLB configuration turned into what the service runs with: resolved keys, addresses, local capacity. */
package io.fulcrum.gslb.site;
