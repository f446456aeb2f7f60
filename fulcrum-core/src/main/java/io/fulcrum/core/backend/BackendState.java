package io.fulcrum.core.backend;

/** Administrative and health state of a backend. */
public enum BackendState {
    /** Takes new requests. */
    UP,
    /** Failed: takes nothing; its sticky sessions are dropped so its clients move. */
    DOWN,
    /** Being retired: keeps its sticky sessions and live connections, takes no new sessions. */
    DRAINING,
    /** Switched off by the operator: takes nothing new. */
    DISABLED,
    /** Takes new requests only when no {@link #UP} backend of its pool can. */
    BACKUP;

    /** Parses a configuration value ({@code up}, {@code draining}, ...), case-insensitively. */
    public static BackendState parse(String value) {
        return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
