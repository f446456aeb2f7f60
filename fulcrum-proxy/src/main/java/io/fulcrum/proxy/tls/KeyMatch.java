package io.fulcrum.proxy.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;

/**
 * Checks that a private key belongs to a certificate, so that a mismatched pair is
 * refused when the configuration is compiled rather than failing every handshake.
 */
final class KeyMatch {

    private KeyMatch() {
    }

    /**
     * Signs a probe with the key and verifies it with the certificate's public key.
     *
     * @throws IllegalArgumentException when the key does not belong to the certificate; the message says
     *                                  why, without naming files (the caller knows which they are)
     */
    static void check(X509Certificate leaf, PrivateKey key) {
        PublicKey pub = leaf.getPublicKey();
        String alg = switch (pub.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> pub.getAlgorithm();
            default -> null;
        };
        if (alg == null) {
            return; // an unusual key type: leave the check to the TLS library
        }
        if (!sameFamily(pub.getAlgorithm(), key.getAlgorithm())) {
            throw new IllegalArgumentException("it is an " + key.getAlgorithm() + " key, the certificate's is "
                    + pub.getAlgorithm());
        }
        try {
            byte[] probe = "fulcrum key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(probe);
            if (!v.verify(sig)) {
                throw new IllegalArgumentException("it is the " + pub.getAlgorithm()
                        + " key of another certificate");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static boolean sameFamily(String certificateKey, String privateKey) {
        boolean edCert = certificateKey.startsWith("Ed");
        boolean edKey = privateKey.startsWith("Ed");
        return edCert == edKey && (edCert || certificateKey.equals(privateKey));
    }
}
