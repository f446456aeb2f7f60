package io.fulcrum.core.config;

/**
 * One certificate a TLS listener can present.
 *
 * @param certFile path to a PEM file with the certificate chain, the server certificate first
 * @param keyFile  path to the PEM file with the certificate's private key (unencrypted PEM: PKCS#8, PKCS#1 RSA or SEC1 EC)
 */
public record CertificateConfig(String certFile, String keyFile) {
}
