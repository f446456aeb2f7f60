/**
 * Where a client is: the built-in table of the regional registries' address blocks, a
 * GeoIP2 / DB-IP country database when configured, and the coordinates used to find
 * the nearest site.
 */
package io.fulcrum.dns.geo;
