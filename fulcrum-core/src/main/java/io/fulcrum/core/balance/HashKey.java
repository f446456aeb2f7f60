package io.fulcrum.core.balance;

import io.fulcrum.core.config.HashKeyConfig;

import java.util.Locale;

/**
 * Turns a request into the 64-bit key of a hashing algorithm, as configured by
 * {@link HashKeyConfig}: the client IP, a header or a cookie. A missing or empty
 * header or cookie falls back to the client IP, so such requests still spread.
 */
final class HashKey {

    private enum Source { CLIENT_IP, HEADER, COOKIE }

    private final Source source;
    private final String name;

    private HashKey(Source source, String name) {
        this.source = source;
        this.name = name;
    }

    /** @throws IllegalArgumentException for an unknown source or a header/cookie source without a name */
    static HashKey of(HashKeyConfig config) {
        String s = config.source().trim().toLowerCase(Locale.ROOT);
        Source source = switch (s) {
            case "client-ip" -> Source.CLIENT_IP;
            case "header" -> Source.HEADER;
            case "cookie" -> Source.COOKIE;
            default -> throw new IllegalArgumentException(
                    "hashKey.source: unknown source '" + config.source() + "'; known: client-ip, header, cookie");
        };
        if (source != Source.CLIENT_IP && (config.name() == null || config.name().isBlank())) {
            throw new IllegalArgumentException("hashKey.name: required when hashKey.source is " + s);
        }
        return new HashKey(source, source == Source.CLIENT_IP ? null : config.name());
    }

    /** The key of this request. */
    long hash(PickContext ctx) {
        String value = switch (source) {
            case CLIENT_IP -> null;
            case HEADER -> ctx.header(name);
            case COOKIE -> ctx.cookie(name);
        };
        return value == null || value.isEmpty() ? Hashing.hash(ctx.clientAddress()) : Hashing.hash(value);
    }

    @Override
    public String toString() {
        return source == Source.CLIENT_IP ? "client-ip" : source.name().toLowerCase(Locale.ROOT) + ":" + name;
    }
}
