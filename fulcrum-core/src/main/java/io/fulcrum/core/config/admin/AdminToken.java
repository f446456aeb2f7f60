package io.fulcrum.core.config.admin;

import io.fulcrum.core.config.Required;

/**
 * One bearer token of the admin API.
 *
 * @param name      who holds it; named as the actor of every change made with it (never the secret)
 * @param role      {@code read} (look only) or {@code admin} (look and change)
 * @param token     the secret itself, written in the file
 * @param tokenFile a file holding the secret (first line), instead of {@code token}
 * @param tokenEnv  an environment variable holding the secret, instead of {@code token}
 */
public record AdminToken(@Required String name, String role, String token, String tokenFile, String tokenEnv) {

    /** May read everything. */
    public static final String READ = "read";
    /** May read and change. */
    public static final String ADMIN = "admin";

    public AdminToken {
        role = role == null ? READ : role;
    }

    /** A token given inline. */
    public static AdminToken of(String name, String role, String secret) {
        return new AdminToken(name, role, secret, null, null);
    }

    /** Keeps the secret out of logs and exception messages. */
    @Override
    public String toString() {
        return "AdminToken[name=" + name + ", role=" + role + "]";
    }
}
