/** Configuration records of the {@code gslb:} section: sites, their VIPs, site-state peers, hand-off. */
package io.fulcrum.core.config.gslb;
