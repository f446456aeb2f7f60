/**
 * Capacity that follows demand: the built-in provisioners (which start and stop a pool's
 * members) and the scaler that decides, per pool policy, when to grow, shrink or heal it.
 */
package io.fulcrum.scale;
