package io.fulcrum.core.config;

/**
 * Forwarding headers added to requests on their way to a backend.
 *
 * @param xForwarded add {@code X-Forwarded-For}, {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}
 * @param forwarded  add the standard {@code Forwarded} header (RFC 7239)
 * @param via        add a {@code Via} header naming this proxy
 */
public record ForwardedHeadersConfig(Boolean xForwarded, Boolean forwarded, Boolean via) {

    public ForwardedHeadersConfig {
        xForwarded = xForwarded == null ? Boolean.TRUE : xForwarded;
        forwarded = forwarded == null ? Boolean.FALSE : forwarded;
        via = via == null ? Boolean.FALSE : via;
    }

    public static ForwardedHeadersConfig defaults() {
        return new ForwardedHeadersConfig(null, null, null);
    }
}
