package io.fulcrum.proxy.tls;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.config.BackendTlsConfig;
import io.fulcrum.core.config.InvalidFieldException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import javax.net.ssl.SSLException;
import java.io.File;
import java.util.List;

/**
 * A pool's compiled TLS towards its backends: one client {@link SslContext} (trust store,
 * optional client certificate, versions, ALPN) built when the configuration is compiled
 * (so a reload re-reads the files), and the name each connection sends as SNI and verifies.
 */
public final class BackendTls {

    private final SslContext context;
    private final String serverName;

    private BackendTls(SslContext context, String serverName) {
        this.context = context;
        this.serverName = serverName;
    }

    /**
     * Loads a pool's backend TLS settings.
     *
     * @param pool the pool's name, for messages
     * @param alpn application protocols to offer, empty for none
     * @throws InvalidFieldException when a file cannot be loaded or the client key does not match, naming
     *                               the field within the pool's {@code tls} section ({@code caFile},
     *                               {@code certFile}, {@code keyFile})
     */
    public static BackendTls compile(String pool, BackendTlsConfig cfg, List<String> alpn) {
        SslContextBuilder b = SslContextBuilder.forClient()
                .sslProvider(SslContexts.provider())
                .protocols(cfg.protocols());
        if (cfg.verify()) {
            if (cfg.caFile() != null) {
                try {
                    b.trustManager(new File(cfg.caFile()));
                } catch (IllegalArgumentException e) {
                    throw new InvalidFieldException("caFile", "cannot read the certificate authorities in "
                            + cfg.caFile() + ": " + e.getMessage(), e);
                }
            } // else the JDK's default trust store
            b.endpointIdentificationAlgorithm("HTTPS");
        } else {
            b.trustManager(InsecureTrustManagerFactory.INSTANCE);
            b.endpointIdentificationAlgorithm(null);
        }
        if (cfg.certFile() != null) {
            CertifiedKey pair = CertifiedKey.read(cfg.certFile(), cfg.keyFile());
            b.keyManager(pair.key(), pair.chain());
        }
        if (!alpn.isEmpty()) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
        }
        try {
            return new BackendTls(b.build(), cfg.serverName());
        } catch (SSLException | IllegalArgumentException e) {
            throw new InvalidFieldException("", "pool " + pool + ": cannot set up TLS to its backends: "
                    + e.getMessage(), e);
        }
    }

    /** The TLS handler for a new connection to {@code backend}, finishing its handshake within the timeout. */
    public SslHandler newHandler(ByteBufAllocator alloc, Backend backend, long handshakeTimeoutMillis) {
        String name = serverName != null ? serverName : backend.host();
        // The name given here is both sent as SNI (unless it is an IP address) and verified.
        SslHandler h = context.newHandler(alloc, name, backend.port());
        h.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        return h;
    }

    /**
     * A future that succeeds once both the TCP connection and the TLS handshake succeeded, so a
     * refused certificate counts as a failed connection (retried on another backend when allowed).
     */
    public static ChannelFuture handshaken(ChannelFuture connect) {
        Channel ch = connect.channel();
        ChannelPromise done = ch.newPromise();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                done.tryFailure(f.cause());
                return;
            }
            SslHandler ssl = ch.pipeline().get(SslHandler.class);
            if (ssl == null) {
                done.tryFailure(new SSLException("the connection closed before TLS started"));
                return;
            }
            ssl.handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    done.trySuccess();
                } else {
                    done.tryFailure(h.cause());
                }
            });
        });
        return done;
    }
}
