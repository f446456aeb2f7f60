/**
 * Health monitoring, host agents and adaptive weights: the {@link io.fulcrum.health.HealthService}
 * node service runs active checks per pool, polls host agents, recomputes weights, applies
 * time-window rules, weight schedules and slow start, and publishes every change as an event.
 */
package io.fulcrum.health;
