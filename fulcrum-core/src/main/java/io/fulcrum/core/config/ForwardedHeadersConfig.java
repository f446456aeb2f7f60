package io.fulcrum.core.config;

/**
 * Forwarding headers added to requests on their way to a backend.
 *
 * @param xForwarded add {@code X-Forwarded-For}, {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}
 * @param forwarded  add the standard {@code Forwarded} header (RFC 7239)
 * @param via        add a {@code Via} header naming this proxy
 * @param requestId  the request id taken from or added to the request (and logged)
 */
public record ForwardedHeadersConfig(Boolean xForwarded, Boolean forwarded, Boolean via, RequestIdConfig requestId) {

    public ForwardedHeadersConfig {
        xForwarded = xForwarded == null ? Boolean.TRUE : xForwarded;
        forwarded = forwarded == null ? Boolean.FALSE : forwarded;
        via = via == null ? Boolean.FALSE : via;
        requestId = requestId == null ? RequestIdConfig.defaults() : requestId;
    }

    /** The three headers chosen, the request id as by default. */
    public ForwardedHeadersConfig(Boolean xForwarded, Boolean forwarded, Boolean via) {
        this(xForwarded, forwarded, via, null);
    }

    public static ForwardedHeadersConfig defaults() {
        return new ForwardedHeadersConfig(null, null, null);
    }
}
