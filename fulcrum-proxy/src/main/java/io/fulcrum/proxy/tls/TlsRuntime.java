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
 * to them. A name may be served by one ECDSA and one RSA certificate at once; then
 * {@link #select} gives each client the one it accepts, ECDSA first. Built at compile
 * time, off the event loops; immutable afterwards.
 */
public final class TlsRuntime {

    private final Map<String, SslContext> byName;
    private final Mapping<String, SslContext> mapping;
    private final Mapping<String, NameContexts> choices;
    private final List<ServedCertificate> certificates;

    private TlsRuntime(NameContexts defaultContexts, Map<String, NameContexts> byName, List<ServedCertificate> certificates) {
        Map<String, SslContext> first = new LinkedHashMap<>();
        byName.forEach((name, c) -> first.put(name, c.first()));
        this.byName = Map.copyOf(first);
        this.certificates = List.copyOf(certificates);
        DomainWildcardMappingBuilder<SslContext> b = new DomainWildcardMappingBuilder<>(defaultContexts.first());
        first.forEach(b::add);
        this.mapping = b.build();
        DomainWildcardMappingBuilder<NameContexts> c = new DomainWildcardMappingBuilder<>(defaultContexts);
        byName.forEach(c::add);
        this.choices = c.build();
    }

    /**
     * The contexts serving one name: the certificate configured first for it, and the ECDSA
     * and the RSA one among those configured for it (either may be {@code null}).
     */
    private record NameContexts(SslContext first, SslContext ecdsa, SslContext rsa) {

        NameContexts with(SslContext ctx, String keyAlgorithm) {
            if ("EC".equals(keyAlgorithm) && ecdsa == null) {
                return new NameContexts(first == null ? ctx : first, ctx, rsa);
            }
            if ("RSA".equals(keyAlgorithm) && rsa == null) {
                return new NameContexts(first == null ? ctx : first, ecdsa, ctx);
            }
            return first == null ? new NameContexts(ctx, ecdsa, rsa) : this; // a key type already served: the earlier wins
        }

        SslContext pick(boolean acceptsEcdsa) {
            SslContext preferred = acceptsEcdsa ? ecdsa : rsa;
            return preferred != null ? preferred : first;
        }
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
        NameContexts first = null;
        String firstName = null;
        Map<String, NameContexts> byName = new LinkedHashMap<>();
        List<ServedCertificate> served = new java.util.ArrayList<>();
        for (int i = 0; i < certs.size(); i++) {
            CertificateConfig cert = certs.get(i);
            SslContext ctx;
            try {
                ctx = SslContexts.server(cert, tls, provider);
            } catch (InvalidFieldException e) {
                throw e.within("certificates[" + i + "]");
            }
            java.security.cert.X509Certificate leaf = CertificateNames.leaf(Path.of(cert.certFile()));
            String keyAlgorithm = leaf.getPublicKey().getAlgorithm();
            NameContexts alone = new NameContexts(null, null, null).with(ctx, keyAlgorithm);
            java.util.Set<String> names = CertificateNames.of(leaf);
            for (String name : names) {
                // A name in two certificates of one key type goes to the earlier; an ECDSA and an RSA one share it.
                byName.merge(name, alone, (earlier, added) -> earlier.with(ctx, keyAlgorithm));
            }
            if (i == 0) {
                // With no SNI (or an unknown name) the first certificate answers, as its first name does
                // (with that name's certificate of the other key type too).
                firstName = names.isEmpty() ? null : names.iterator().next();
                first = alone;
            }
            served.add(new ServedCertificate(cert.certFile(), leaf.getSubjectX500Principal().getName(), List.copyOf(names),
                    leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()));
        }
        return new TlsRuntime(firstName == null ? first : byName.get(firstName), byName, served);
    }

    /**
     * The context that answers a client: by its SNI host name (case-insensitive, may be
     * {@code null}) and, where the name has an ECDSA and an RSA certificate, by whether the
     * client accepts ECDSA.
     */
    public SslContext select(String hostname, boolean acceptsEcdsa) {
        return choices.map(hostname).pick(acceptsEcdsa);
    }

    /** SNI host name (case-insensitive, may be {@code null}) to the context configured first for it. */
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
