package io.fulcrum.proxy.http;

import io.netty.handler.codec.http.HttpObject;

/**
 * One HTTP/2 stream of a client connection, as the request handling sees it: what a client
 * channel is for an HTTP/1.x connection, without being a channel. {@link HttpProxyHandler}
 * writes its response through it, pauses its request body and closes it; the HTTP/2
 * connection that owns the stream implements it on top of its frame encoder and flow control.
 *
 * <p>Every method is called on the connection's event loop.
 */
public interface ClientStream {

    /**
     * Writes one part of the response (head, body part, end, or an interim head) without flushing;
     * the handler flushes the stream's connection, which is its {@code channel}.
     */
    void write(HttpObject msg);

    /**
     * Ends the stream: after a complete response, {@code RST_STREAM(NO_ERROR)} once that response is
     * written if the request is still arriving (nothing when both sides ended); otherwise
     * {@code RST_STREAM(CANCEL)}, as closing an HTTP/1.1 connection would abort its response.
     */
    void close();

    /** Stops (false) or resumes consuming the request body, which holds or opens the client's window. */
    void setReading(boolean on);

    /** Whether the stream is still open (neither closed by both ends nor reset). */
    boolean isOpen();

    /** Whether the stream may take more response bytes now (its and the connection's windows allow it). */
    boolean isWritable();
}
