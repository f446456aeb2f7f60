/**
 * GSLB records: sites, the named policies that order them for one client, the sticky
 * table, and the cached encoded answers of each record.
 */
package io.fulcrum.dns.gslb;
