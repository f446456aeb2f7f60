package io.fulcrum.health.check;

/**
 * One kind of active check. {@link #run} blocks (it is called on a virtual thread of
 * the health service, never on an event loop) and never takes longer than about its
 * timeout; it reports failures as results, not exceptions.
 */
public interface HealthCheck {

    /** The check type as configured ({@code tcp}, {@code http}...). */
    String type();

    /** Checks {@code host:port} once. */
    CheckResult run(String host, int port);
}
