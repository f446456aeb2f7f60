package io.fulcrum.proxy.tls;

import io.fulcrum.core.config.InvalidFieldException;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A certificate chain and its private key, read from their PEM files and checked to
 * belong together, as every TLS context Fulcrum builds needs them.
 *
 * @param chain the certificates, the owner's first
 * @param key   the private key of the first certificate
 */
record CertifiedKey(X509Certificate[] chain, PrivateKey key) {

    /**
     * Reads both files.
     *
     * @throws InvalidFieldException naming {@code certFile} or {@code keyFile}: the file that cannot be read,
     *                               or the key that does not belong to the certificate
     */
    static CertifiedKey read(String certFile, String keyFile) {
        X509Certificate[] chain;
        try {
            chain = CertificateNames.chain(Path.of(certFile));
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("certFile", e.getMessage(), e);
        }
        PrivateKey key;
        try {
            key = PemKeys.read(Path.of(keyFile));
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("keyFile", e.getMessage(), e);
        }
        try {
            KeyMatch.check(chain[0], key);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("keyFile", "the private key " + keyFile + " does not belong to the certificate "
                    + certFile + " (" + e.getMessage() + ")", e);
        }
        return new CertifiedKey(chain, key);
    }
}
