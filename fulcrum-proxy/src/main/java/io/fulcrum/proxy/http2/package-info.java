/**
 * HTTP/2 towards clients: h2 after ALPN, h2c by prior knowledge or through the HTTP/1.1
 * Upgrade. Each stream is a child channel whose frames are turned into HTTP objects and
 * handed to the same per-request handling the HTTP/1.1 path uses
 * ({@link io.fulcrum.proxy.http.HttpProxyHandler}), so routing, balancing, retries,
 * timeouts, limits and the access log are shared rather than copied.
 */
package io.fulcrum.proxy.http2;
