package io.fulcrum.admin.auth;

/**
 * Who made a request: the token's name (logged as the actor of changes) and role.
 *
 * @param name the token's name, never its secret
 * @param role what it may do
 */
public record Principal(String name, Role role) {
}
