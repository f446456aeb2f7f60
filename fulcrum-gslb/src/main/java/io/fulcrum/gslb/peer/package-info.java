/**
 * The site-state protocol between peer sites: the message model, its signed binary wire
 * format (HMAC-SHA256 with a key id), the replay window, and the UDP transport.
 */
package io.fulcrum.gslb.peer;
