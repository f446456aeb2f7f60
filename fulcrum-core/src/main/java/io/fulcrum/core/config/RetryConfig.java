package io.fulcrum.core.config;

/**
 * Bounded retries on another backend.
 *
 * @param attempts         how many further backends are tried (0 = no retry)
 * @param onConnectFailure retry when a backend connection cannot be opened (always safe: nothing was sent)
 * @param onReset          retry idempotent requests when the backend closed or reset before any response byte
 */
public record RetryConfig(Integer attempts, Boolean onConnectFailure, Boolean onReset) {

    public RetryConfig {
        attempts = attempts == null ? 2 : attempts;
        onConnectFailure = onConnectFailure == null ? Boolean.TRUE : onConnectFailure;
        onReset = onReset == null ? Boolean.TRUE : onReset;
    }

    public static RetryConfig defaults() {
        return new RetryConfig(null, null, null);
    }
}
