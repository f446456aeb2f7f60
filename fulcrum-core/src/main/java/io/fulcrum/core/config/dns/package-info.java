/**
 * The {@code dns:} section: the authoritative DNS server, its zones, the GSLB sites and
 * the GSLB records answered from them by a chain of policies.
 */
package io.fulcrum.core.config.dns;
