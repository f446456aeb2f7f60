package io.fulcrum.core.backend;

/** Told when a backend's state, weight or ejection changes. Called on the thread that made the change. */
@FunctionalInterface
public interface BackendListener {

    /** Something about {@code backend} that affects selection changed. */
    void backendChanged(Backend backend);
}
