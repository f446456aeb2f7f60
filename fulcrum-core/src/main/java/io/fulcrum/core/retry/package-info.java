/**
 * What the HTTP proxy and the L4 flows share about trying backends: the backends one request
 * or connection has tried and the pick that skips them ({@link io.fulcrum.core.retry.RetryState}),
 * and how a failed attempt counts towards ejecting a backend ({@link io.fulcrum.core.retry.Ejection}).
 * Whether a failure may be retried at all (connect failure, reset, timeout; idempotent method)
 * stays with the protocol that knows.
 */
package io.fulcrum.core.retry;
