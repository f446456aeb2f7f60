/**
 * The operator's surface: the admin HTTP server ({@link io.fulcrum.admin.AdminService})
 * with its JSON API, server-sent events, dashboard and Prometheus metrics, and the
 * state file that keeps the operator's changes across restarts.
 */
package io.fulcrum.admin;
