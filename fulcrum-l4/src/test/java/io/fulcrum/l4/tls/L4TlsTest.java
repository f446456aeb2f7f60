package io.fulcrum.l4.tls;

import io.fulcrum.core.config.CertificateConfig;
import io.fulcrum.testsupport.EchoServer;
import io.fulcrum.testsupport.TestCertificates;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.TlsConfig;
import io.fulcrum.core.config.BackendTlsConfig;
import io.fulcrum.core.config.l4.L4ListenerConfig;
import io.fulcrum.l4.service.L4Service;
import io.fulcrum.l4.testing.TcpBackend;
import io.fulcrum.l4.testing.TcpBackend.Mode;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static io.fulcrum.l4.testing.L4Configs.backend;
import static io.fulcrum.l4.testing.L4Configs.of;
import static io.fulcrum.l4.testing.L4Configs.pool;
import static io.fulcrum.l4.testing.L4Configs.service;
import static io.fulcrum.l4.testing.Lines.readLine;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS on an L4 listener, checked with the JDK's SSLSocket (SNI picks the certificate), and
 * TLS from the router to a backend with verification on (a trusted backend works, an
 * untrusted one gets no byte).
 */
class L4TlsTest {

    @TempDir
    static Path dir;
    static TestCertificates.Pair alpha;
    static TestCertificates.Pair beta;
    static TestCertificates.Pair backendCert;

    private L4Service l4;
    private TcpBackend plain;
    private SSLServerSocket tlsBackend;

    @BeforeAll
    static void certificates() throws Exception {
        Assumptions.assumeTrue(TestCertificates.opensslAvailable(), "openssl is needed to make test certificates");
        alpha = TestCertificates.selfSigned(dir, "alpha", "alpha.test", "DNS:alpha.test");
        beta = TestCertificates.selfSigned(dir, "beta", "beta.test", "DNS:beta.test");
        backendCert = TestCertificates.selfSigned(dir, "backend", "127.0.0.1", "IP:127.0.0.1,DNS:localhost");
    }

    @AfterEach
    void tearDown() throws IOException {
        if (l4 != null) {
            l4.close();
        }
        if (plain != null) {
            plain.close();
        }
        if (tlsBackend != null) {
            tlsBackend.close();
        }
    }

    private int start(String backendAddress, TlsConfig tls, BackendTlsConfig backendTls) throws IOException {
        int port = FreePorts.tcp();
        L4ListenerConfig listener = new L4ListenerConfig(port, "tcp", "p", null, null, null, tls, backendTls, null,
                null);
        FulcrumConfig config = of(List.of(pool("p", null, null, backend(backendAddress, 1))),
                List.of(service("secure", List.of("127.0.0.2"), listener)));
        l4 = new L4Service(null);
        l4.start(config);
        return port;
    }

    private static SSLSocket tlsClient(int port, String sni, SSLContext ctx) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
        SSLParameters params = s.getSSLParameters();
        params.setServerNames(List.of(new SNIHostName(sni)));
        s.setSSLParameters(params);
        s.connect(new InetSocketAddress("127.0.0.2", port), 2000);
        s.setSoTimeout(5000);
        s.startHandshake();
        return s;
    }

    @Test
    void terminatesTlsAndChoosesTheCertificateBySni() throws Exception {
        plain = new TcpBackend("plain", Mode.ECHO);
        int port = start(plain.address(), new TlsConfig(List.of(new CertificateConfig(alpha.certFile(), alpha.keyFile()), new CertificateConfig(beta.certFile(), beta.keyFile())), null, null), null);
        for (String name : List.of("alpha.test", "beta.test")) {
            // A fresh context per name: the JDK would otherwise resume the first session (and its certificate).
            try (SSLSocket s = tlsClient(port, name, TestCertificates.trusting(alpha, beta))) {
                var peer = (java.security.cert.X509Certificate) s.getSession().getPeerCertificates()[0];
                assertThat(peer.getSubjectX500Principal().getName()).isEqualTo("CN=" + name);
                assertThat(readLine(s.getInputStream())).isEqualTo("plain");
                s.getOutputStream().write("over tls\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                assertThat(readLine(s.getInputStream())).isEqualTo("over tls");
            }
        }
    }

    @Test
    void tlsToAVerifiedBackend() throws Exception {
        tlsBackend = startTlsEcho(backendCert);
        int port = start("127.0.0.1:" + tlsBackend.getLocalPort(), null,
                new BackendTlsConfig(backendCert.cert().toString(), true, null, null, null, null, null));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.2", port), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("to a tls backend\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readLine(s.getInputStream())).isEqualTo("to a tls backend");
        }
    }

    @Test
    void anUntrustedBackendCertificateIsRefused() throws Exception {
        tlsBackend = startTlsEcho(backendCert);
        // Trust only alpha: the backend's certificate does not verify.
        int port = start("127.0.0.1:" + tlsBackend.getLocalPort(), null,
                new BackendTlsConfig(alpha.cert().toString(), true, null, null, null, null, null));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.2", port), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("secret\n".getBytes(StandardCharsets.US_ASCII));
            // Closed without an answer: an end of stream, or a reset (the line it sent was never read).
            int r;
            try {
                r = s.getInputStream().read();
            } catch (java.net.SocketException reset) {
                r = -1;
            }
            assertThat(r).isEqualTo(-1);
        }
    }

    @Test
    void aClientCertificateIsPresentedToABackendThatRequiresOne() throws Exception {
        // The same TLS-to-backend settings as a pool's tls: here the client certificate.
        tlsBackend = startTlsEcho(backendCert, alpha);
        int port = start("127.0.0.1:" + tlsBackend.getLocalPort(), null, new BackendTlsConfig(
                backendCert.cert().toString(), true, null, alpha.cert().toString(), alpha.key().toString(), null, null));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.2", port), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("with my certificate\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readLine(s.getInputStream())).isEqualTo("with my certificate");
        }
    }

    /** A TLS echo server with this certificate (one virtual thread per connection). */
    private static SSLServerSocket startTlsEcho(TestCertificates.Pair pair) throws Exception {
        return startTlsEcho(pair, null);
    }

    /** Like {@link #startTlsEcho(TestCertificates.Pair)}, requiring a client certificate issued as {@code client}. */
    private static SSLServerSocket startTlsEcho(TestCertificates.Pair pair, TestCertificates.Pair client)
            throws Exception {
        SSLServerSocket server = (SSLServerSocket) TestCertificates.serving(pair, client).getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setNeedClientAuth(client != null);
        EchoServer.on(server);
        return server;
    }
}
