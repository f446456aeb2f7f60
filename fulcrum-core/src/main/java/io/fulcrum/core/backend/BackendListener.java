package io.fulcrum.core.backend;

/** Told when a backend's state, weight or ejection changes. Called on the thread that made the change. */
@FunctionalInterface
public interface BackendListener {

    /** Something about {@code backend} that affects selection changed. */
    void backendChanged(Backend backend);

    /**
     * {@code backend} has just become DOWN (failed): it takes nothing any more and
     * whatever is bound to it (sticky entries, connection-table entries) should be
     * purged at once so its clients move. Called after {@link #backendChanged}.
     */
    default void backendFailed(Backend backend) {
    }

    /**
     * Passive health has just ejected {@code backend} (until {@link Backend#ejectedUntilNanos()});
     * {@code reason} is the failure that tipped it. Called on the proxy's event loop: must not block.
     */
    default void backendEjected(Backend backend, String reason) {
    }

    /** {@code backend} is draining and now empty: no sticky sessions and no requests left. */
    default void backendDrained(Backend backend) {
    }
}
