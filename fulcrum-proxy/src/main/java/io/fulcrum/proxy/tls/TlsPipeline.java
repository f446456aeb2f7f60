package io.fulcrum.proxy.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SniHandler;

/** Puts TLS termination at the front of a new client connection's pipeline. */
public final class TlsPipeline {

    /** How long a client has to send its ClientHello and finish the handshake. */
    public static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    /** Largest ClientHello accepted. */
    public static final int MAX_CLIENT_HELLO_BYTES = 16 * 1024;

    private TlsPipeline() {
    }

    /** Adds the SNI handler (which becomes the SslHandler) and handshake-failure handling; call before the HTTP codec. */
    public static void install(Channel ch, TlsRuntime tls) {
        ch.pipeline().addLast("tls", new SniHandler(tls.mapping(), MAX_CLIENT_HELLO_BYTES, HANDSHAKE_TIMEOUT_MILLIS));
        ch.pipeline().addLast("tls-handshake", new HandshakeFailureHandler());
    }
}
