package io.fulcrum.gslb.peer;

import java.util.Arrays;

/**
 * A shared HMAC secret and the name it travels under.
 *
 * @param keyId  the key's name, sent in clear in every message
 * @param site   the peer site that holds the other copy
 * @param secret the secret bytes (never logged; {@link #toString()} hides them)
 */
public record PeerKey(String keyId, String site, byte[] secret) {

    public PeerKey {
        secret = secret.clone();
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    byte[] secretBytes() {
        return secret;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerKey k && k.keyId.equals(keyId) && k.site.equals(site)
                && Arrays.equals(k.secret, secret);
    }

    @Override
    public int hashCode() {
        return keyId.hashCode() * 31 + site.hashCode();
    }

    @Override
    public String toString() {
        return "PeerKey[keyId=" + keyId + ", site=" + site + ", secret=****]";
    }
}
