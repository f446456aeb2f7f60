package io.fulcrum.proxy.tls;

import io.fulcrum.core.config.CertificateConfig;
import io.fulcrum.core.config.InvalidFieldException;
import io.fulcrum.core.config.TlsConfig;
import io.fulcrum.core.config.TlsSessionConfig;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;

/**
 * Builds server {@link SslContext}s: OpenSSL (BoringSSL through netty-tcnative) when it
 * loads on this machine, the JDK's provider otherwise, with the listener's session
 * resumption (tickets sealed with the certificate's {@link SessionTicketKeys}, a session cache).
 * Runs off the event loops.
 */
public final class SslContexts {

    private SslContexts() {
    }

    /** The provider contexts are built with. */
    public static SslProvider provider() {
        // OPENSSL, not OPENSSL_REFCNT: the context and its engines are freed by the garbage collector.
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /**
     * A server context presenting one certificate with the listener's protocols and ALPN.
     *
     * @throws InvalidFieldException naming {@code certFile} or {@code keyFile} when a file cannot be loaded
     *                               or the key does not belong to the certificate
     */
    public static SslContext server(CertificateConfig cert, TlsConfig tls) {
        return server(cert, tls, provider());
    }

    /** Like {@link #server(CertificateConfig, TlsConfig)} with a chosen provider. */
    static SslContext server(CertificateConfig cert, TlsConfig tls, SslProvider provider) {
        // The key is read here (not by Netty, which reads only PKCS#8 without BouncyCastle), so PKCS#1 and
        // SEC1 keys work with both providers.
        CertifiedKey pair = CertifiedKey.read(cert.certFile(), cert.keyFile());
        try {
            SslContextBuilder b = SslContextBuilder.forServer(pair.key(), pair.chain())
                    .sslProvider(provider)
                    .protocols(tls.protocols());
            if (tls.alpn().contains(ApplicationProtocolNames.HTTP_2)) {
                // RFC 9113 9.2.2: HTTP/2 over TLS 1.2 only with modern AEAD suites.
                b.ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE);
            }
            if (!tls.alpn().isEmpty()) {
                b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, tls.alpn()));
            }
            TlsSessionConfig sessions = tls.sessions();
            if (provider == SslProvider.JDK) {
                // The JDK's TLS issues tickets by its own settings; only the cache can be sized.
                b.sessionCacheSize(sessions.cacheSize()).sessionTimeout(sessions.timeout().toSeconds());
            }
            SslContext ctx = b.build();
            if (ctx.sessionContext() instanceof OpenSslSessionContext openssl) {
                resumption(openssl, sessions, pair.chain()[0]);
            }
            return ctx;
        } catch (SSLException | IllegalArgumentException e) {
            throw new InvalidFieldException("", "cannot load certificate " + cert.certFile() + " with key "
                    + cert.keyFile() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Session resumption on an OpenSSL context, set before its first engine exists. Tickets are
     * sealed with the certificate's keys, so they resume on every context that presents that
     * certificate and after a reload (Netty's context would otherwise seal them with random
     * keys of its own, lost on reload), never on another certificate.
     */
    private static void resumption(OpenSslSessionContext context, TlsSessionConfig sessions,
                                   java.security.cert.X509Certificate leaf) {
        context.setSessionTimeout((int) Math.min(Integer.MAX_VALUE, sessions.timeout().toSeconds()));
        context.setSessionCacheEnabled(sessions.cache());
        context.setSessionCacheSize(sessions.cacheSize());
        SessionTicketKeys.forCertificate(leaf).attach(context);
    }
}
