/**
 * The compiled, immutable runtime snapshot the data plane reads: listeners with
 * their routers, pools with their balancers. A reload builds a new snapshot off
 * the event loops and swaps it in one volatile write; live per-backend state and
 * sticky tables are carried across snapshots by identity.
 */
package io.fulcrum.proxy.runtime;
