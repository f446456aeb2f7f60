/**
 * Live backend state: one {@link io.fulcrum.core.backend.Backend} object per
 * (pool, address) that outlives configuration snapshots, so a reload keeps
 * counters, health and latency.
 */
package io.fulcrum.core.backend;
