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
            byte[] digest = sha256(secret.strip());
            for (Known k : known) {
                // Checked here too (not only by validation): a token file or variable may change after it.
                if (MessageDigest.isEqual(k.digest, digest)) {
                    throw new IOException("admin token " + t.name() + " has the same secret as token "
                            + k.principal.name() + ": every token needs a secret of its own");
                }
            }
            known.add(new Known(digest, new Principal(t.name(), Role.parse(t.role()))));
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

    /**
     * The outcome of checking one {@code Authorization} header.
     *
     * @param principal who sent it, or {@code null} when refused
     * @param problem   why it is refused (for the client), or {@code null} when accepted
     */
    public record Result(Principal principal, String problem) {
        /** Whether a token was accepted. */
        public boolean ok() {
            return principal != null;
        }
    }

    /** Message for a request without credentials. */
    public static final String MISSING = "a bearer token is required (Authorization: Bearer <token>)";
    /** Message for credentials of another scheme. */
    public static final String NOT_BEARER = "the Authorization header must be Bearer <token>";
    /** Message for a bearer token that matches no configured token. */
    public static final String INVALID = "the bearer token is not valid";

    /** Checks an {@code Authorization} header value: missing, of another scheme, unknown, or whose token. */
    public Result check(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return new Result(null, MISSING);
        }
        if (authorization.length() < 8 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new Result(null, NOT_BEARER);
        }
        return match(authorization.substring(7));
    }

    /** Message for Basic credentials that are not {@code name:token} in Base64. */
    public static final String MALFORMED_BASIC = "Basic credentials must be base64(name:token)";

    /**
     * Checks the {@code Authorization} header of a read-only page a browser opens by itself
     * ({@code /stats}): a bearer token as everywhere, or HTTP Basic credentials whose password
     * is the token (the user name is ignored), which a browser without JavaScript can send.
     * Only such pages take Basic credentials: a browser keeps them and sends them on its own,
     * which would let another site's form post to the endpoints that change things.
     */
    public Result checkPage(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return check(authorization);
        }
        String decoded;
        try {
            decoded = new String(java.util.Base64.getDecoder().decode(authorization.substring(6).strip()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new Result(null, MALFORMED_BASIC);
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? new Result(null, MALFORMED_BASIC) : match(decoded.substring(colon + 1));
    }

    /** The principal whose secret this is (every token compared, in constant time each), or the refusal. */
    private Result match(String secret) {
        byte[] digest = sha256(secret.strip());
        Principal found = null;
        for (Known k : known) {
            if (MessageDigest.isEqual(k.digest, digest) && found == null) {
                found = k.principal;
            }
        }
        return found != null ? new Result(found, null) : new Result(null, INVALID);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
