package io.fulcrum.core.config;

import java.util.List;

/**
 * TLS termination for a listener.
 *
 * <p>The names a certificate serves (its subject alternative names, or its common name
 * when it has none) are read from the certificate itself; a client's SNI name picks the
 * certificate whose names match it, exactly or through a {@code *.} wildcard, and the
 * first certificate answers clients that send no name or an unknown one.
 *
 * @param certificates the certificates, the first one being the default
 * @param protocols    TLS versions offered (default {@code TLSv1.2} and {@code TLSv1.3})
 * @param alpn         application protocols offered through ALPN (default {@code http/1.1})
 * @param sessions     session resumption (default: tickets and a session cache, 5 minutes)
 */
public record TlsConfig(List<CertificateConfig> certificates, List<String> protocols, List<String> alpn,
                        TlsSessionConfig sessions) {

    /** The TLS versions offered when none are configured. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");
    /** The ALPN protocols offered when none are configured. */
    public static final List<String> DEFAULT_ALPN = List.of("http/1.1");

    public TlsConfig {
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
        protocols = protocols == null ? DEFAULT_PROTOCOLS : List.copyOf(protocols);
        alpn = alpn == null ? DEFAULT_ALPN : List.copyOf(alpn);
        sessions = sessions == null ? TlsSessionConfig.defaults() : sessions;
    }

    /** Termination with the default session resumption. */
    public TlsConfig(List<CertificateConfig> certificates, List<String> protocols, List<String> alpn) {
        this(certificates, protocols, alpn, null);
    }
}
