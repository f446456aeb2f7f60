package io.fulcrum.control.config;

import io.fulcrum.core.config.admin.AdminConfig;
import io.fulcrum.core.config.admin.AdminToken;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The rules of the {@code admin} section: a usable bind address, tokens that each have
 * a name, a known role and exactly one source of their secret, and a state file path.
 * Messages never contain a secret.
 */
final class AdminConfigValidator {

    static final Set<String> ROLES = Set.of(AdminToken.READ, AdminToken.ADMIN);
    /** Shorter secrets are accepted with a warning: they can be guessed. */
    static final int MIN_SECRET_LENGTH = 16;

    private AdminConfigValidator() {
    }

    /**
     * Checks {@code admin} at {@code path}, reporting through {@code error} and {@code warn}
     * (field path, message).
     */
    static void check(AdminConfig admin, String path, BiConsumer<String, String> error,
                      BiConsumer<String, String> warn) {
        if (!admin.enabled()) {
            return;
        }
        String bindPath = SourceMap.field(path, "bind");
        if (admin.tls() == null && !isLoopback(admin.bind().host())) {
            warn.accept(bindPath, "the admin server listens beyond this machine without TLS: tokens cross "
                    + "the network in clear; add admin.tls or bind 127.0.0.1");
        }
        if (admin.tls() != null && admin.tls().certificates().isEmpty()) {
            error.accept(SourceMap.field(SourceMap.field(path, "tls"), "certificates"),
                    "at least one certificate is required when tls is set");
        }
        if (admin.tokens().isEmpty()) {
            warn.accept(SourceMap.field(path, "tokens"), "no tokens: the admin API answers nothing but /metrics");
        }
        atLeastOne(SourceMap.field(path, "maxConnections"), admin.maxConnections(), error);
        if (admin.headerTimeout().isZero() || admin.headerTimeout().isNegative()) {
            error.accept(SourceMap.field(path, "headerTimeout"), "must be longer than 0 (got "
                    + ConfigUnits.formatDuration(admin.headerTimeout()) + ")");
        }
        Map<String, String> names = new HashMap<>();
        Map<String, String> secrets = new HashMap<>();
        for (int i = 0; i < admin.tokens().size(); i++) {
            String p = SourceMap.index(SourceMap.field(path, "tokens"), i);
            AdminToken t = admin.tokens().get(i);
            String namePath = SourceMap.field(p, "name");
            if (t.name() == null || t.name().isBlank()) {
                error.accept(namePath, "required: every token needs a name (it is logged as the actor of changes)");
            } else if (names.putIfAbsent(t.name(), namePath) != null) {
                error.accept(namePath, "duplicate token name \"" + t.name() + "\" (also at " + names.get(t.name()) + ")");
            }
            if (!ROLES.contains(t.role())) {
                error.accept(SourceMap.field(p, "role"), "must be one of read, admin (got \"" + t.role() + "\")");
            }
            checkSecret(t, p, error, warn);
            // One secret, one token: otherwise the first token listed would silently decide the role
            // (and the actor named in events) of whoever holds it.
            String secret = readableSecret(t);
            if (secret != null) {
                String first = secrets.putIfAbsent(secret, p + " (" + t.name() + ")");
                if (first != null) {
                    error.accept(SourceMap.field(p, secretField(t)), "the same secret as the token at " + first
                            + ": every token needs a secret of its own");
                }
            }
        }
        if (admin.stateFile() == null || admin.stateFile().isBlank()) {
            error.accept(SourceMap.field(path, "stateFile"), "must not be empty");
        } else {
            try {
                Path.of(admin.stateFile());
            } catch (InvalidPathException e) {
                error.accept(SourceMap.field(path, "stateFile"), "not a usable path: " + e.getReason());
            }
        }
    }

    private static void checkSecret(AdminToken t, String p, BiConsumer<String, String> error,
                                    BiConsumer<String, String> warn) {
        int sources = (t.token() != null ? 1 : 0) + (t.tokenFile() != null ? 1 : 0) + (t.tokenEnv() != null ? 1 : 0);
        if (sources != 1) {
            error.accept(SourceMap.field(p, "token"), "give exactly one of token, tokenFile, tokenEnv (got " + sources + ")");
            return;
        }
        if (t.token() != null && t.token().length() < MIN_SECRET_LENGTH) {
            warn.accept(SourceMap.field(p, "token"), "shorter than " + MIN_SECRET_LENGTH
                    + " characters: easy to guess (try: openssl rand -hex 24)");
        }
        if (t.token() != null && t.token().isBlank()) {
            error.accept(SourceMap.field(p, "token"), "must not be empty");
        }
        if (t.tokenFile() != null) {
            try {
                if (!Files.isReadable(Path.of(t.tokenFile()))) {
                    error.accept(SourceMap.field(p, "tokenFile"), "cannot read " + t.tokenFile());
                }
            } catch (InvalidPathException e) {
                error.accept(SourceMap.field(p, "tokenFile"), "not a usable path: " + e.getReason());
            }
        }
        if (t.tokenEnv() != null && (System.getenv(t.tokenEnv()) == null || System.getenv(t.tokenEnv()).isBlank())) {
            error.accept(SourceMap.field(p, "tokenEnv"), "environment variable " + t.tokenEnv() + " is not set");
        }
    }

    private static void atLeastOne(String path, int value, BiConsumer<String, String> error) {
        if (value < 1) {
            error.accept(path, "must be >= 1 (got " + value + ")");
        }
    }

    /** The field that holds a token's secret source. */
    private static String secretField(AdminToken t) {
        return t.token() != null ? "token" : t.tokenFile() != null ? "tokenFile" : "tokenEnv";
    }

    /**
     * The token's secret as the admin server will compare it (first line of a token file,
     * stripped), or {@code null} when it cannot be read (reported by {@link #checkSecret}).
     */
    private static String readableSecret(AdminToken t) {
        String s = null;
        if (t.token() != null) {
            s = t.token();
        } else if (t.tokenFile() != null) {
            try {
                s = Files.readAllLines(Path.of(t.tokenFile())).stream().findFirst().orElse(null);
            } catch (java.io.IOException | InvalidPathException | java.io.UncheckedIOException e) {
                return null;
            }
        } else if (t.tokenEnv() != null) {
            s = System.getenv(t.tokenEnv());
        }
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        try {
            return host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')
                    && InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
