package io.fulcrum.proxy.tls;

import io.fulcrum.core.config.CertificateConfig;
import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.config.TlsConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A listener's compiled TLS settings: one {@link SslContext} per certificate and the
 * SNI mapping from host names (exact or {@code *.} wildcard, read from the certificates)
 * to them. Built at compile time, off the event loops; immutable afterwards.
 */
public final class TlsRuntime {

    private final Map<String, SslContext> byName;
    private final Mapping<String, SslContext> mapping;
    private final List<ServedCertificate> certificates;

    private TlsRuntime(SslContext defaultContext, Map<String, SslContext> byName, List<ServedCertificate> certificates) {
        this.byName = Map.copyOf(byName);
        this.certificates = List.copyOf(certificates);
        DomainWildcardMappingBuilder<SslContext> b = new DomainWildcardMappingBuilder<>(defaultContext);
        byName.forEach(b::add);
        this.mapping = b.build();
    }

    /**
     * Loads every certificate of a listener.
     *
     * @throws InvalidFieldException when a certificate or key cannot be loaded, naming the field within the
     *                               {@code tls} section ({@code certificates[1].keyFile}); the caller adds
     *                               where that section is
     */
    public static TlsRuntime compile(TlsConfig tls) {
        return compile(tls, SslContexts.provider());
    }

    /** Like {@link #compile(TlsConfig)} with a chosen provider. */
    static TlsRuntime compile(TlsConfig tls, SslProvider provider) {
        List<CertificateConfig> certs = tls.certificates();
        if (certs.isEmpty()) {
            throw new InvalidFieldException("certificates", "a TLS listener needs at least one certificate");
        }
        SslContext first = null;
        Map<String, SslContext> byName = new LinkedHashMap<>();
        List<ServedCertificate> served = new java.util.ArrayList<>();
        for (int i = 0; i < certs.size(); i++) {
            CertificateConfig cert = certs.get(i);
            SslContext ctx;
            try {
                ctx = SslContexts.server(cert, tls, provider);
            } catch (InvalidFieldException e) {
                throw e.within("certificates[" + i + "]");
            }
            first = first == null ? ctx : first;
            java.security.cert.X509Certificate leaf = CertificateNames.leaf(Path.of(cert.certFile()));
            java.util.Set<String> names = CertificateNames.of(leaf);
            for (String name : names) {
                byName.putIfAbsent(name, ctx); // a name in two certificates goes to the earlier one
            }
            served.add(new ServedCertificate(cert.certFile(), leaf.getSubjectX500Principal().getName(), List.copyOf(names),
                    leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()));
        }
        return new TlsRuntime(first, byName, served);
    }

    /** SNI host name (case-insensitive, may be {@code null}) to the context that answers it. */
    public Mapping<String, SslContext> mapping() {
        return mapping;
    }

    /** The certificates served, in configuration order. */
    public List<ServedCertificate> certificates() {
        return certificates;
    }

    /** Every name served, to the context that serves it. */
    public Map<String, SslContext> names() {
        return byName;
    }
}
