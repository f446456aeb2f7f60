/** The admin HTTP server: JSON API, server-sent events, the OpenAPI document, dashboard files and /metrics. */
package io.fulcrum.admin.api;
