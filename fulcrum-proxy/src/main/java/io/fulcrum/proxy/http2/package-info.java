/**
 * HTTP/2 towards clients: h2 after ALPN, h2c by prior knowledge or through the HTTP/1.1
 * Upgrade. One connection handler per client connection ({@link io.fulcrum.proxy.http2.Http2ClientConnection})
 * decodes the frames and hands each stream's request, without a channel per stream, to the
 * same per-request handling the HTTP/1.1 path uses ({@link io.fulcrum.proxy.http.HttpProxyHandler}),
 * so routing, balancing, retries, timeouts, limits and the access log are shared rather than
 * copied. HTTP/2 towards backends ({@link io.fulcrum.proxy.http2.Http2BackendSessions}) is here too.
 */
package io.fulcrum.proxy.http2;
