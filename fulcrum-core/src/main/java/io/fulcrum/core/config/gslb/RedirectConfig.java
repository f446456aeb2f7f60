package io.fulcrum.core.config.gslb;

/**
 * HTTP redirect hand-off: a request that reaches a local VIP at its max connections or
 * without a healthy server is redirected to the next eligible site instead of a 503.
 *
 * @param enabled on/off
 * @param status  302 or 307
 */
public record RedirectConfig(Boolean enabled, Integer status) {

    public RedirectConfig {
        enabled = enabled != null && enabled;
        status = status == null ? 307 : status;
    }

    public static RedirectConfig defaults() {
        return new RedirectConfig(null, null);
    }
}
