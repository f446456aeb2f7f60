package io.fulcrum.health.check;

/**
 * One kind of active check. {@link #run} blocks (it is called on a virtual thread of
 * the health service, never on an event loop) and never takes longer than about its
 * timeout; it reports failures as results, not exceptions. Its type's name is the
 * registry's ({@link io.fulcrum.core.config.health.CheckType#name()}), not the check's.
 */
@FunctionalInterface
public interface HealthCheck {

    /** Checks {@code host:port} once. */
    CheckResult run(String host, int port);
}
