/** Configuration of health monitoring, host agents, adaptive weights, time-window rules and weight schedules (per pool). */
package io.fulcrum.core.config.health;
