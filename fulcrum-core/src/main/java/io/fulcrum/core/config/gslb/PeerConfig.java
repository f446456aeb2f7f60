package io.fulcrum.core.config.gslb;

import io.fulcrum.core.config.Required;

import io.fulcrum.core.config.HostPort;

import java.time.Duration;

/**
 * One site-state peer. The secret is shared by both ends; exactly one of {@code secret}
 * and {@code secretFile} is given. Secrets are never logged.
 *
 * @param site       the peer's site name (one of the top-level {@code sites})
 * @param address    {@code host:port} of the peer's site-state listener
 * @param interval   how often an UPDATE is sent to it; 0s turns periodic UPDATEs off (EVENTs still go)
 * @param keyId      names the secret in each message, so keys can be rotated; default the peer's site name
 * @param secret     the shared HMAC-SHA256 secret (at least 16 characters)
 * @param secretFile a file holding the secret (first line)
 */
public record PeerConfig(@Required String site, HostPort address, Duration interval, String keyId, String secret,
                         String secretFile) {

    public PeerConfig {
        interval = interval == null ? Duration.ofSeconds(10) : interval;
        keyId = keyId == null || keyId.isBlank() ? site : keyId;
    }

    /** Never shows the secret. */
    @Override
    public String toString() {
        return "PeerConfig[site=" + site + ", address=" + address + ", interval=" + interval + ", keyId=" + keyId
                + ", secret=" + (secret == null ? "none" : "****") + ", secretFile=" + secretFile + "]";
    }
}
