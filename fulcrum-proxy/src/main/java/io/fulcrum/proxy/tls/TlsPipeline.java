package io.fulcrum.proxy.tls;

import io.netty.channel.Channel;

/** Puts TLS termination at the front of a new client connection's pipeline. */
public final class TlsPipeline {

    /** How long a client has to send its ClientHello and finish the handshake. */
    public static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    /** Largest ClientHello accepted. */
    public static final int MAX_CLIENT_HELLO_BYTES = 16 * 1024;

    private TlsPipeline() {
    }

    /**
     * Adds the certificate selector (by SNI and the client's signature algorithms; it becomes
     * the SslHandler) and handshake-failure handling; call before the HTTP codec.
     */
    public static void install(Channel ch, TlsRuntime tls) {
        ch.pipeline().addLast("tls", new CertificateSelector(tls, MAX_CLIENT_HELLO_BYTES, HANDSHAKE_TIMEOUT_MILLIS));
        ch.pipeline().addLast("tls-handshake", new HandshakeFailureHandler());
    }
}
