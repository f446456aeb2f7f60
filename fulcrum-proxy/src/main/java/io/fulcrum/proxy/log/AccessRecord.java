package io.fulcrum.proxy.log;

/**
 * What the access log says about one request.
 *
 * @param epochMillis    when the request started (wall clock)
 * @param client         client address {@code ip:port}
 * @param listener       listener name
 * @param route          route name, or {@code -}
 * @param method         request method
 * @param uri            request target
 * @param protocol       client protocol version, e.g. {@code HTTP/1.1}
 * @param status         status sent to the client (499 when the client went away first)
 * @param bytesIn        request body bytes received
 * @param bytesOut       response body bytes sent
 * @param backend        backend {@code pool/name}, or {@code -}
 * @param attempts       backends tried
 * @param totalMicros    time from request head to last response byte
 * @param backendMicros  time from sending to the backend to its response head; -1 when none
 * @param error          what went wrong, or {@code null}
 */
public record AccessRecord(long epochMillis, String client, String listener, String route, String method, String uri,
                           String protocol, int status, long bytesIn, long bytesOut, String backend, int attempts,
                           long totalMicros, long backendMicros, String error) {
}
