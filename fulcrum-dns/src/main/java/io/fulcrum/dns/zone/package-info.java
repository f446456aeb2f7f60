/**
 * Zones and names: the immutable snapshot the server answers from (every static reply
 * encoded ahead of time), and how it is built from the configuration and RFC 1035 zone
 * files.
 */
package io.fulcrum.dns.zone;
