/** Configuration records of the {@code gslb:} section: site-state peers, checks, hand-off (the sites are {@code sites:}). */
package io.fulcrum.core.config.gslb;
