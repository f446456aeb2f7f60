package io.fulcrum.admin.auth;

/** What a token may do. */
public enum Role {
    /** Read everything, change nothing. */
    READ,
    /** Read and change. */
    ADMIN;

    /** The role named in the configuration ({@code read} or {@code admin}). */
    public static Role parse(String s) {
        return "admin".equals(s) ? ADMIN : READ;
    }

    /** Whether this role may make changes. */
    public boolean mayChange() {
        return this == ADMIN;
    }
}
