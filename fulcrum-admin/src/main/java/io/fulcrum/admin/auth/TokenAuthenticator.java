package io.fulcrum.admin.auth;

import io.fulcrum.core.config.admin.AdminToken;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks bearer tokens. Secrets are kept only as SHA-256 digests and compared in
 * constant time, every configured token being compared on every request, so neither
 * the comparison time nor a heap dump gives a secret away.
 */
public final class TokenAuthenticator {

    private record Known(byte[] digest, Principal principal) {
    }

    private final List<Known> known;

    private TokenAuthenticator(List<Known> known) {
        this.known = List.copyOf(known);
    }

    /**
     * Builds the authenticator for these tokens, reading {@code tokenFile} and
     * {@code tokenEnv} secrets now.
     *
     * @throws IOException when a token file cannot be read (the message names the token, not the secret)
     */
    public static TokenAuthenticator of(List<AdminToken> tokens) throws IOException {
        List<Known> known = new ArrayList<>();
        for (AdminToken t : tokens) {
            String secret = secret(t);
            if (secret == null || secret.isBlank()) {
                throw new IOException("admin token " + t.name() + " has no secret");
            }
            known.add(new Known(sha256(secret.strip()), new Principal(t.name(), Role.parse(t.role()))));
        }
        return new TokenAuthenticator(known);
    }

    private static String secret(AdminToken t) throws IOException {
        if (t.token() != null) {
            return t.token();
        }
        if (t.tokenFile() != null) {
            try {
                List<String> lines = Files.readAllLines(Path.of(t.tokenFile()), StandardCharsets.UTF_8);
                return lines.isEmpty() ? null : lines.getFirst();
            } catch (IOException e) {
                throw new IOException("admin token " + t.name() + ": cannot read its tokenFile", e);
            }
        }
        return t.tokenEnv() == null ? null : System.getenv(t.tokenEnv());
    }

    /** The principal of an {@code Authorization} header value, or {@code null} when it is missing or wrong. */
    public Principal authenticate(String authorization) {
        if (authorization == null || authorization.length() < 8
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        byte[] digest = sha256(authorization.substring(7).strip());
        Principal found = null;
        for (Known k : known) {
            if (MessageDigest.isEqual(k.digest, digest) && found == null) {
                found = k.principal;
            }
        }
        return found;
    }

    /** Whether any token is configured. */
    public boolean hasTokens() {
        return !known.isEmpty();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
