package io.fulcrum.core.config;

import java.time.Duration;

/**
 * TLS session resumption on a listener: a returning client skips the full handshake (no
 * certificate, no key exchange signature) by presenting a session ticket or a session id
 * from its last connection.
 *
 * <p>Session tickets (RFC 5077, and TLS 1.3's) are always issued: the session is sealed with
 * the ticket keys of the certificate presented and kept by the client, so it needs no memory
 * on the server and outlives a reload that keeps the certificate. The keys are made at start-up and rotated every hour; the two before
 * the newest still open tickets. (Netty's OpenSSL engine turns tickets back on for every
 * connection that may speak TLS 1.3, so there is no setting to refuse them.)
 *
 * @param cache     keep sessions in memory by session id, for TLS 1.2 clients that do not
 *                  take tickets; emptied by a reload that changes the listener's TLS
 * @param cacheSize the most sessions kept in the cache (the oldest go first)
 * @param timeout   how long a session can be resumed: the ticket lifetime and the cache's
 *                  expiry (at most 7 days, RFC 8446 4.6.1)
 */
public record TlsSessionConfig(Boolean cache, Integer cacheSize, Duration timeout) {

    /** The default {@code cacheSize}, HAProxy's {@code tune.ssl.cachesize}. */
    public static final int DEFAULT_CACHE_SIZE = 20_000;
    /** The default {@code timeout}, NGINX's {@code ssl_session_timeout} and HAProxy's {@code tune.ssl.lifetime}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    /** The longest ticket lifetime TLS 1.3 allows (RFC 8446 4.6.1). */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(7);

    public TlsSessionConfig {
        cache = cache == null ? Boolean.TRUE : cache;
        cacheSize = cacheSize == null ? DEFAULT_CACHE_SIZE : cacheSize;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    }

    /** Resumption by tickets and by cache, with the default size and timeout. */
    public static TlsSessionConfig defaults() {
        return new TlsSessionConfig(null, null, null);
    }
}
