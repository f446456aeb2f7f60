/**
 * Configuration records of the top-level {@code sites:} list: every site (data centre,
 * region) with its VIPs, described once and referenced by name from the {@code gslb:} and
 * {@code dns:} sections.
 */
package io.fulcrum.core.config.site;
