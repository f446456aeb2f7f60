/**
 * Session stickiness: {@link io.fulcrum.core.sticky.StickyTable} binds a client
 * key to a backend until the entry has gone unused for its timeout.
 */
package io.fulcrum.core.sticky;
