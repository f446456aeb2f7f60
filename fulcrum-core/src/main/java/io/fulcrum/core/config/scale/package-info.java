/**
 * Configuration of autoscaling and self-healing of a pool ({@code pools[].autoscale}): which
 * provisioner starts and stops its members, the load metric and its target or thresholds, the
 * size limits, and the timing rules (evaluation interval, stabilisation windows, cooldown). The
 * scaler that acts on it is {@code fulcrum-scale}'s; docs/autoscaling.md is the reference.
 */
package io.fulcrum.core.config.scale;
