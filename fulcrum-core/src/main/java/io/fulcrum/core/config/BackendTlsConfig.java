package io.fulcrum.core.config;

import java.util.List;

/**
 * TLS from Fulcrum to backends: the one shape for every place that opens TLS toward a
 * backend, a pool's {@code tls} (HTTP) and an L4 listener's {@code backendTls} (TCP), so
 * both offer the same settings and are checked and compiled the same way.
 *
 * @param caFile     PEM file of the certificate authorities trusted for the backends' certificates;
 *                   {@code null} = the system (JDK) trust store
 * @param verify     verify the backend's certificate chain and name (default on; off is logged as a
 *                   warning at every load because it allows a man in the middle)
 * @param serverName name sent as SNI and checked against the backend's certificate; {@code null} =
 *                   the backend's own host (an IP address is checked against the certificate's IP names)
 * @param certFile   client certificate chain (PEM) presented to backends that ask for one, or {@code null}
 * @param keyFile    the client certificate's private key (unencrypted PEM: PKCS#8, PKCS#1 RSA or SEC1 EC)
 * @param protocols  TLS versions offered (default {@code TLSv1.2} and {@code TLSv1.3})
 * @param enabled    {@code false} turns TLS off without removing the section (default on)
 */
public record BackendTlsConfig(String caFile, Boolean verify, String serverName, String certFile, String keyFile,
                               List<String> protocols, Boolean enabled) {

    public BackendTlsConfig {
        verify = verify == null ? Boolean.TRUE : verify;
        protocols = protocols == null ? TlsConfig.DEFAULT_PROTOCOLS : List.copyOf(protocols);
        enabled = enabled == null ? Boolean.TRUE : enabled;
    }
}
