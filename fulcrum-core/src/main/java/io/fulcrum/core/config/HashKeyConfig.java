package io.fulcrum.core.config;

/**
 * What a hashing algorithm hashes.
 *
 * @param source {@code client-ip}, {@code header} or {@code cookie}
 * @param name   the header or cookie name (for {@code header} and {@code cookie}); the client IP is used when it is absent
 */
public record HashKeyConfig(String source, String name) {

    public HashKeyConfig {
        source = source == null ? "client-ip" : source;
    }

    public static HashKeyConfig clientIp() {
        return new HashKeyConfig("client-ip", null);
    }
}
