package io.fulcrum.core.config;

/**
 * Bounded retries on another backend.
 *
 * @param attempts          how many further backends are tried (0 = no retry)
 * @param onConnectFailure  retry when a backend connection cannot be opened (always safe: nothing was sent)
 * @param onReset           retry idempotent requests when the backend closed or reset before any response byte
 * @param onResponseTimeout retry idempotent requests without a body when the backend's response head did not
 *                          come within the pool's {@code responseTimeout} (off by default: the first backend may
 *                          still act on the request)
 */
public record RetryConfig(Integer attempts, Boolean onConnectFailure, Boolean onReset, Boolean onResponseTimeout) {

    public RetryConfig {
        attempts = attempts == null ? 2 : attempts;
        onConnectFailure = onConnectFailure == null ? Boolean.TRUE : onConnectFailure;
        onReset = onReset == null ? Boolean.TRUE : onReset;
        onResponseTimeout = onResponseTimeout == null ? Boolean.FALSE : onResponseTimeout;
    }

    public static RetryConfig defaults() {
        return new RetryConfig(null, null, null, null);
    }
}
