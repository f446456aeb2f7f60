package io.fulcrum.core.config;

/**
 * The request id: taken from the request's own header when it holds a valid one (1 to 128
 * visible ASCII characters), otherwise generated; forwarded to the backend in the same header
 * and written to the access log ({@code request_id}).
 *
 * @param enabled off switch (nothing is added, the header passes untouched)
 * @param header  the header it travels in
 */
public record RequestIdConfig(Boolean enabled, String header) {

    /** The header a request id travels in unless another is configured. */
    public static final String DEFAULT_HEADER = "X-Request-Id";

    public RequestIdConfig {
        enabled = enabled == null ? Boolean.TRUE : enabled;
        header = header == null ? DEFAULT_HEADER : header;
    }

    public static RequestIdConfig defaults() {
        return new RequestIdConfig(null, null);
    }
}
