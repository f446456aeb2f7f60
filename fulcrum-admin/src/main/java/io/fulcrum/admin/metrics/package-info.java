/** Prometheus metrics of the proxy and the live per-backend numbers the API and dashboard show. */
package io.fulcrum.admin.metrics;
