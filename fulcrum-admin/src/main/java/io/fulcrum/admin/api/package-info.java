/**
 * The admin HTTP server: JSON API, server-sent events, the OpenAPI document, dashboard files and /metrics.
 * Every API endpoint is a row of {@link io.fulcrum.admin.api.ApiEndpoint}; its handler is bound in
 * {@link io.fulcrum.admin.api.AdminApi}.
 */
package io.fulcrum.admin.api;
