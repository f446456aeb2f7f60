package io.fulcrum.proxy.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;

/**
 * The SNI handler of a TLS listener that also reads which signatures the client accepts:
 * a name served by an ECDSA and an RSA certificate answers an ECDSA-capable client with the
 * ECDSA one and any other client with the RSA one ({@link ClientSignatures}). Replaces itself
 * by the chosen context's SslHandler, as Netty's {@link SniHandler} does.
 */
final class CertificateSelector extends SniHandler {

    private final TlsRuntime tls;
    private boolean acceptsEcdsa = true;

    CertificateSelector(TlsRuntime tls, int maxClientHelloLength, long handshakeTimeoutMillis) {
        super(tls.mapping(), maxClientHelloLength, handshakeTimeoutMillis);
        this.tls = tls;
    }

    @Override
    protected Future<SslContext> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) throws Exception {
        acceptsEcdsa = ClientSignatures.acceptsEcdsa(clientHello);
        return super.lookup(ctx, clientHello); // reads the host name, then calls the lookup below
    }

    @Override
    protected Future<SslContext> lookup(ChannelHandlerContext ctx, String hostname) {
        return ctx.executor().newSucceededFuture(tls.select(hostname, acceptsEcdsa));
    }
}
