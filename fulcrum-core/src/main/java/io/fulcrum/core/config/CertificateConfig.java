package io.fulcrum.core.config;

/**
 * One certificate a TLS listener can present.
 *
 * @param certFile path to a PEM file with the certificate chain, the server certificate first
 * @param keyFile  path to the PEM file with the certificate's private key (PKCS#8, unencrypted)
 */
public record CertificateConfig(String certFile, String keyFile) {
}
