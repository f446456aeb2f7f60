/**
 * The ordered hand-off table (requirements 2.5 item 5): pure functions from the shared
 * preference lists to per-site weights and shares, plus the rotation that spreads
 * hand-offs by those shares.
 */
package io.fulcrum.gslb.handoff;
