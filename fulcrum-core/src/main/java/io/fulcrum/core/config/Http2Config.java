package io.fulcrum.core.config;

/**
 * HTTP/2 towards a listener's clients. Over TLS, HTTP/2 is offered when the listener's
 * {@code tls.alpn} lists {@code h2}; on a plain listener it is accepted (as h2c, by prior
 * knowledge or through the HTTP/1.1 {@code Upgrade: h2c}) when {@code cleartext} is on.
 * Each stream is one request, routed and balanced exactly like an HTTP/1.1 request.
 *
 * @param cleartext            accept h2c on a plain-HTTP listener (default off)
 * @param maxConcurrentStreams streams a client may have open at once on one connection (default 100)
 * @param maxHeaderListBytes   largest decoded header list of one request (default 16384; 431 beyond)
 * @param initialWindowBytes   flow-control window of each stream, i.e. request body bytes a client
 *                             may send before Fulcrum has forwarded them (default 65535)
 */
public record Http2Config(Boolean cleartext, Integer maxConcurrentStreams, Integer maxHeaderListBytes,
                          Integer initialWindowBytes) {

    public Http2Config {
        cleartext = cleartext == null ? Boolean.FALSE : cleartext;
        maxConcurrentStreams = maxConcurrentStreams == null ? 100 : maxConcurrentStreams;
        maxHeaderListBytes = maxHeaderListBytes == null ? 16384 : maxHeaderListBytes;
        initialWindowBytes = initialWindowBytes == null ? 65535 : initialWindowBytes;
    }

    public static Http2Config defaults() {
        return new Http2Config(null, null, null, null);
    }
}
