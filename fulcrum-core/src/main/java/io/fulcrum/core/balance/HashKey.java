package io.fulcrum.core.balance;

import io.fulcrum.core.config.HashKeyConfig;

import io.fulcrum.core.config.InvalidFieldException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns a request into the 64-bit key of a hashing algorithm, as configured by
 * {@link HashKeyConfig}: the client IP, a header or a cookie. A missing or empty
 * header or cookie falls back to the client IP, so such requests still spread.
 */
final class HashKey {

    private enum Source {
        CLIENT_IP("client-ip"), HEADER("header"), COOKIE("cookie");

        final String configName;

        Source(String configName) {
            this.configName = configName;
        }

        static Source named(String name) {
            for (Source s : values()) {
                if (s.configName.equals(name)) {
                    return s;
                }
            }
            return null;
        }

        static String known() {
            return String.join(", ", java.util.Arrays.stream(values()).map(s -> s.configName).toList());
        }
    }

    /** A header or cookie name (an HTTP token). */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");

    private final Source source;
    private final String name;

    private HashKey(Source source, String name) {
        this.source = source;
        this.name = name;
    }

    /** @throws IllegalArgumentException for an unknown source or a header/cookie source without a name */
    static HashKey of(HashKeyConfig config) {
        String s = config.source().trim().toLowerCase(Locale.ROOT);
        Source source = Source.named(s);
        if (source == null) {
            throw new IllegalArgumentException(
                    "hashKey.source: unknown source '" + config.source() + "'; known: " + Source.known());
        }
        if (source != Source.CLIENT_IP && (config.name() == null || config.name().isBlank())) {
            throw new IllegalArgumentException("hashKey.name: required when hashKey.source is " + s);
        }
        return new HashKey(source, source == Source.CLIENT_IP ? null : config.name());
    }

    /**
     * The problems of a hash key as written under a hashing algorithm's settings, fields
     * relative to {@code parent} (e.g. {@code hashKey.name}); empty when {@link #of} accepts it.
     */
    static List<InvalidFieldException> problems(HashKeyConfig config, String parent) {
        List<InvalidFieldException> out = new ArrayList<>();
        String s = config.source();
        Source source = Source.named(s);
        if (source == null) {
            out.add(new InvalidFieldException(parent + ".source",
                    "must be one of " + Source.known() + " (got \"" + s + "\")"));
        } else if (source != Source.CLIENT_IP) {
            if (config.name() == null || config.name().isBlank()) {
                out.add(new InvalidFieldException(parent + ".name", "required when source is " + s + ": the " + s
                        + " name to hash"));
            } else if (!TOKEN.matcher(config.name()).matches()) {
                out.add(new InvalidFieldException(parent + ".name", "not a valid " + s + " name (got \""
                        + config.name() + "\")"));
            }
        }
        return out;
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
