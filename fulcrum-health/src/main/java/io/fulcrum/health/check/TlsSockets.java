package io.fulcrum.health.check;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * TLS client sockets for checks: either verifying (the JDK's trust store and host
 * name check) or not (a health check usually only wants to know the service answers;
 * backends often have internal certificates).
 */
final class TlsSockets {

    private static final SSLContext TRUST_ALL = trustAll();

    private TlsSockets() {
    }

    /** Layers TLS over a connected socket and completes the handshake within the socket's timeout. */
    static SSLSocket handshake(Socket plain, String host, int port, String serverName, boolean verify)
            throws IOException {
        SSLContext ctx;
        try {
            ctx = verify ? SSLContext.getDefault() : TRUST_ALL;
        } catch (GeneralSecurityException e) {
            throw new IOException("no TLS context: " + e.getMessage(), e);
        }
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, true);
        SSLParameters params = s.getSSLParameters();
        String sni = serverName != null ? serverName : host;
        if (sni != null && !sni.isEmpty() && !Character.isDigit(sni.charAt(0)) && !sni.contains(":")) {
            params.setServerNames(List.of(new SNIHostName(sni)));
        }
        if (verify) {
            params.setEndpointIdentificationAlgorithm("HTTPS");
        }
        s.setSSLParameters(params);
        s.startHandshake();
        return s;
    }

    private static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[]{new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this JVM", e);
        }
    }
}
