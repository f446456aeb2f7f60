package io.fulcrum.core.config;

import java.time.Duration;

/**
 * Session stickiness of a route (requirements 2.1 item 5).
 *
 * @param enabled    on/off
 * @param mode       {@code source}: key = host name + client IP; {@code cookie}: key = a random session id
 *                   Fulcrum sets as a cookie
 * @param cookieName name of the cookie in {@code cookie} mode
 * @param timeout    how long an entry lives after its last use
 */
public record StickinessConfig(Boolean enabled, String mode, String cookieName, Duration timeout) {

    public StickinessConfig {
        enabled = enabled == null ? Boolean.FALSE : enabled;
        mode = mode == null ? "source" : mode;
        cookieName = cookieName == null ? "FULCRUM_STICKY" : cookieName;
        timeout = timeout == null ? Duration.ofHours(1) : timeout;
    }

    public static StickinessConfig off() {
        return new StickinessConfig(false, null, null, null);
    }
}
