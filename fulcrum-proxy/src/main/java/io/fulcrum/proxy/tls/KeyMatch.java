package io.fulcrum.proxy.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Checks that a private key belongs to a certificate, so that a mismatched pair is
 * refused when the configuration is compiled rather than failing every handshake.
 */
final class KeyMatch {

    private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String END = "-----END PRIVATE KEY-----";

    private KeyMatch() {
    }

    /**
     * @throws IllegalArgumentException when the key cannot be read as an unencrypted PKCS#8 PEM key,
     *                                  or does not match the certificate's public key
     */
    static void check(Path certFile, Path keyFile) {
        PublicKey pub = CertificateNames.leaf(certFile).getPublicKey();
        PrivateKey key = readKey(keyFile, pub.getAlgorithm());
        String alg = switch (pub.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> pub.getAlgorithm();
            default -> null;
        };
        if (alg == null) {
            return; // an unusual key type: leave the check to the TLS library
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
                throw new IllegalArgumentException("the private key " + keyFile + " does not belong to the certificate "
                        + certFile);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the private key " + keyFile + " does not belong to the certificate "
                    + certFile + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey readKey(Path keyFile, String algorithm) {
        String pem;
        try {
            pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read private key " + keyFile + ": " + e.getMessage(), e);
        }
        int begin = pem.indexOf(BEGIN);
        int end = pem.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("private key " + keyFile
                    + " is not an unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end));
            String keyAlg = algorithm.equals("EdDSA") ? "Ed25519" : algorithm;
            return KeyFactory.getInstance(keyAlg).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("private key " + keyFile + " cannot be read as a " + algorithm
                    + " key: " + e.getMessage(), e);
        }
    }
}
