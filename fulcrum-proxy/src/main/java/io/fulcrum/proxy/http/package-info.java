/**
 * The HTTP/1.1 proxy: the client-side connection handler, the per-request
 * exchange, and keep-alive connection pools to backends (one per event loop).
 *
 * <p>Buffer ownership: a body chunk read from one side is passed to a write on
 * the other side, which releases it; anything dropped on the way is released
 * where it is dropped.
 */
package io.fulcrum.proxy.http;
