package io.fulcrum.proxy.log;

/**
 * What the access log says about one request. A {@code null} text field is absent (written
 * {@code -} in text, {@code null} in JSON); a negative duration is absent too.
 *
 * @param epochMillis    when the request started (wall clock)
 * @param client         client address {@code ip:port}
 * @param listener       listener name
 * @param route          route name
 * @param method         request method
 * @param uri            request target
 * @param protocol       client protocol version, e.g. {@code HTTP/1.1}
 * @param host           the host the request was routed by
 * @param status         status sent to the client (499 when the client went away first)
 * @param bytesIn        request body bytes received
 * @param bytesOut       response body bytes sent
 * @param pool           the pool of the last backend tried
 * @param backendName    the last backend tried
 * @param backendAddress its {@code host:port}
 * @param attempts       backends tried
 * @param totalMicros    time from request head to last response byte
 * @param connectMicros  time to open the backend connection; -1 when a pooled one was reused or none was made
 * @param backendMicros  time from sending to the backend to its response head; -1 when none
 * @param requestId      the request id
 * @param userAgent      the User-Agent header (only read when the log shows it)
 * @param referer        the Referer header (only read when the log shows it)
 * @param tlsVersion     the client connection's TLS protocol (only read when the log shows it)
 * @param sni            the server name of the client's TLS handshake (only read when the log shows it)
 * @param error          what went wrong
 */
public record AccessRecord(long epochMillis, String client, String listener, String route, String method, String uri,
                           String protocol, String host, int status, long bytesIn, long bytesOut, String pool,
                           String backendName, String backendAddress, int attempts, long totalMicros,
                           long connectMicros, long backendMicros, String requestId, String userAgent,
                           String referer, String tlsVersion, String sni, String error) {

    /** A record of no request in particular (a summary line), with only these fields. */
    public static AccessRecord summary(long epochMillis, String client, String listener, String protocol, int status,
                                       String error) {
        return new AccessRecord(epochMillis, client, listener, null, null, null, protocol, null, status, 0, 0, null,
                null, null, 0, 0, -1, -1, null, null, null, null, null, error);
    }
}
