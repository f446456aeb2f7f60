package io.fulcrum.core.balance;

/**
 * What a balancer may look at when it picks: the client, the request's headers
 * and cookies, and the time. The proxy implements it over its request object
 * without copying.
 */
public interface PickContext {

    /** The client's IP address as raw bytes (4 or 16); never null. */
    byte[] clientAddress();

    /** First value of a request header, or {@code null}. */
    String header(String name);

    /** Value of a request cookie, or {@code null}. */
    String cookie(String name);

    /** {@link System#nanoTime()} at the moment of the pick (one clock read per request). */
    long nowNanos();
}
