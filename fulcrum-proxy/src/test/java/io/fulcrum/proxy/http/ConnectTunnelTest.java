package io.fulcrum.proxy.http;

import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.testsupport.Commands;
import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.config.AccessLogConfig;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.ConnectConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.RouteMatch;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.testsupport.RawHttp;
import io.fulcrum.proxy.testing.TestBackend;
import io.fulcrum.proxy.testing.TestConfigs;
import io.fulcrum.testsupport.TestCertificates;
import io.fulcrum.testsupport.FreePorts;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * CONNECT tunnels on a listener that opted in ({@code listeners[].connect}), over real sockets:
 * a raw client (and curl with {@code --proxytunnel}) asks for {@code tunnel.example:443}, the
 * proxy opens TCP to a backend of the matched route's pool, answers 200, and relays raw bytes
 * with half-close. HAProxy 2.6 ({@code mode http}, default options) forwards the CONNECT to its
 * server as it was (see {@link HostileRequestTest}); this is the model of Envoy's terminating
 * CONNECT ({@code upgrade_configs: CONNECT} with {@code connect_config}).
 */
class ConnectTunnelTest {

    private static final String CONNECT = "CONNECT tunnel.example:443 HTTP/1.1\r\nHost: tunnel.example:443\r\n\r\n";

    @TempDir
    Path dir;

    private final ProxyFixture f = new ProxyFixture();
    private EchoBackend echo;

    @AfterEach
    void stop() throws Exception {
        f.close();
        if (echo != null) {
            echo.close();
        }
    }

    /** One listener with a route for {@code tunnel.example} to pool {@code p} (backend {@code a}). */
    private static FulcrumConfig config(ConnectConfig connect, BackendConfig backend) {
        RouteConfig tunnel = new RouteConfig("tunnel",
                new RouteMatch(List.of("tunnel.example"), null, null, null, null), "p", null);
        ListenerConfig l = new ListenerConfig("web", HostPort.of("127.0.0.1", 0), null, null, null, null, List.of(tunnel), null,
                null, null, connect, null);
        return TestConfigs.single(l, TestConfigs.pool("p", "round-robin", List.of(backend)));
    }

    private static FulcrumConfig config(ConnectConfig connect, int backendPort) {
        return config(connect, new BackendConfig("a", HostPort.of("127.0.0.1", backendPort), 1, null, null, null, null, null));
    }

    private static ConnectConfig enabled() {
        return new ConnectConfig(true, null); // allowedPorts defaults to [443]
    }

    private void startWithEcho(ConnectConfig connect) throws Exception {
        echo = new EchoBackend();
        f.start(config(connect, echo.port()));
    }

    private void awaitBackendReleased() {
        Backend b = f.proxy().backend("p", "a");
        await().atMost(Duration.ofSeconds(5)).until(() -> b.openConnections() == 0 && b.activeRequests() == 0);
    }

    @Test
    void withoutTheOptInConnectIsRefusedAndAReloadThatEnablesItAppliesToTheRunningListener() throws Exception {
        startWithEcho(null);
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response r = c.send(CONNECT).read();
            assertThat(r.status()).isEqualTo(501);
            assertThat(c.isClosedByPeer()).isTrue();
        }
        assertThat(echo.accepts()).isZero();

        f.proxy().apply(config(enabled(), echo.port()));
        try (RawHttp c = new RawHttp(f.address())) {
            assertThat(c.send(CONNECT).readHead().status()).isEqualTo(200);
            c.send("ping");
            assertThat(new String(c.readBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ping");
        }
        assertThat(echo.accepts()).isEqualTo(1);
    }

    /**
     * The 200 carries no framing header; bytes go both ways untouched; the client's half-close
     * reaches the backend (which answers it with a last line) and the backend's close ends the tunnel.
     */
    @Test
    void bytesAreRelayedBothWaysAndAHalfCloseReachesTheBackend() throws Exception {
        startWithEcho(enabled());
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response head = c.send(CONNECT).readHead();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.headers()).doesNotContainKeys("content-length", "transfer-encoding");
            byte[] binary = new byte[256];
            for (int i = 0; i < binary.length; i++) {
                binary[i] = (byte) i;
            }
            c.send(binary);
            assertThat(c.readBytes(binary.length)).isEqualTo(binary);
            String http = "GET / HTTP/1.1\r\nHost: not-parsed\r\n\r\n"; // not HTTP to the proxy any more
            c.send(http);
            assertThat(new String(c.readBytes(http.length()), StandardCharsets.US_ASCII)).isEqualTo(http);
            c.shutdownOutput();
            assertThat(new String(c.readToEnd(), StandardCharsets.US_ASCII)).isEqualTo(EchoBackend.END_OF_INPUT);
        }
        assertThat(echo.accepts()).isEqualTo(1);
        awaitBackendReleased();
    }

    /**
     * A client that does not wait for the 200 (its first tunnel bytes in the same packet as the
     * CONNECT head): those bytes are not HTTP and reach the backend exactly as sent, control bytes
     * and CRLFs included, ahead of what follows.
     */
    @Test
    void bytesSentWithTheConnectHeadAreRelayedAsTheyWereSent() throws Exception {
        startWithEcho(enabled());
        byte[] early = "\u0016\u0003\u0001\u0000\u0005GET / HTTP/1.1\r\n\r\n\u0000\u00ff".getBytes(
                StandardCharsets.ISO_8859_1);
        byte[] head = CONNECT.getBytes(StandardCharsets.US_ASCII);
        byte[] both = new byte[head.length + early.length];
        System.arraycopy(head, 0, both, 0, head.length);
        System.arraycopy(early, 0, both, head.length, early.length);
        try (RawHttp c = new RawHttp(f.address())) {
            assertThat(c.send(both).readHead().status()).isEqualTo(200);
            assertThat(c.readBytes(early.length)).isEqualTo(early);
            c.send("after");
            assertThat(new String(c.readBytes(5), StandardCharsets.US_ASCII)).isEqualTo("after");
        }
    }

    /** One access-log record per tunnel, when it closes: status 200, the bytes of each direction, the backend. */
    @Test
    void theTunnelIsLoggedOnceWhenItCloses() throws Exception {
        echo = new EchoBackend();
        Path file = dir.resolve("access.log");
        FulcrumConfig c0 = config(enabled(), echo.port());
        f.start(FulcrumConfigBuilder.config()
                .server(c0.server())
                .accessLog(new AccessLogConfig(true, "json", file.toString()))
                .listeners(c0.listeners())
                .pools(c0.pools())
                .build());
        try (RawHttp c = new RawHttp(f.address())) {
            assertThat(c.send(CONNECT).readHead().status()).isEqualTo(200);
            c.send("ping-1");
            c.readBytes(6);
            c.shutdownOutput();
            c.readToEnd();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(file) && Files.readAllLines(file).size() == 1);
        assertThat(Files.readAllLines(file).getFirst()).contains("\"method\":\"CONNECT\"",
                "\"uri\":\"tunnel.example:443\"", "\"status\":200", "\"bytes_in\":6",
                "\"bytes_out\":" + (6 + EchoBackend.END_OF_INPUT.length()), "\"backend\":\"p/a\"");
        awaitBackendReleased();
    }

    @Test
    void aPortNotAllowedIsForbiddenAndNoBackendIsContacted() throws Exception {
        startWithEcho(new ConnectConfig(true, List.of(443, 8443)));
        for (String port : List.of("22", "80", "444")) {
            try (RawHttp c = new RawHttp(f.address())) {
                RawHttp.Response r = c.send("CONNECT tunnel.example:" + port + " HTTP/1.1\r\nHost: tunnel.example:"
                        + port + "\r\n\r\n").read();
                assertThat(r.status()).as(port).isEqualTo(403);
                assertThat(c.isClosedByPeer()).isTrue();
            }
        }
        try (RawHttp c = new RawHttp(f.address())) {
            assertThat(c.send("CONNECT tunnel.example:8443 HTTP/1.1\r\nHost: tunnel.example:8443\r\n\r\n")
                    .readHead().status()).isEqualTo(200);
        }
        // The 200 follows the proxy's connect; the echo server counts its accept on its own thread.
        await().atMost(Duration.ofSeconds(5)).until(() -> echo.accepts() == 1);
        assertThat(echo.accepts()).isEqualTo(1);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("no port", "CONNECT tunnel.example HTTP/1.1\r\nHost: tunnel.example\r\n\r\n", 400),
                Arguments.of("origin-form target", "CONNECT /x HTTP/1.1\r\nHost: tunnel.example\r\n\r\n", 400),
                Arguments.of("user information", "CONNECT me@tunnel.example:443 HTTP/1.1\r\n"
                        + "Host: tunnel.example:443\r\n\r\n", 400),
                Arguments.of("port out of range", "CONNECT tunnel.example:99999 HTTP/1.1\r\n"
                        + "Host: tunnel.example:99999\r\n\r\n", 400),
                Arguments.of("absolute-form target", "CONNECT http://tunnel.example:443/ HTTP/1.1\r\n"
                        + "Host: tunnel.example:443\r\n\r\n", 400),
                Arguments.of("a body", "CONNECT tunnel.example:443 HTTP/1.1\r\nHost: tunnel.example:443\r\n"
                        + "Content-Length: 4\r\n\r\nabcd", 400),
                // routed by its authority: no route for another host
                Arguments.of("no route for the host", "CONNECT other.example:443 HTTP/1.1\r\n"
                        + "Host: other.example:443\r\n\r\n", 404));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void aTargetThatIsNotAnAllowedHostAndPortGetsNoTunnel(String name, String raw, int status) throws Exception {
        startWithEcho(enabled());
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response r = c.send(raw).read();
            assertThat(r.status()).as(name).isEqualTo(status);
            assertThat(c.isClosedByPeer()).as(name).isTrue();
        }
        assertThat(echo.accepts()).as(name).isZero();
    }

    /** The target's authority replaces a different Host for routing, as an absolute-form target's does. */
    @Test
    void theTargetNotTheHostHeaderChoosesTheRoute() throws Exception {
        startWithEcho(enabled());
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response r = c.send("CONNECT other.example:443 HTTP/1.1\r\nHost: tunnel.example:443\r\n\r\n")
                    .read();
            assertThat(r.status()).isEqualTo(404);
        }
        assertThat(echo.accepts()).isZero();
    }

    @Test
    void aBackendThatRefusesTheConnectionGets502AndTheConnectionCloses() throws Exception {
        f.start(config(enabled(), FreePorts.tcp("127.0.0.1")));
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response r = c.send(CONNECT).read();
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(c.isClosedByPeer()).isTrue();
        }
    }

    @Test
    void aPoolWithNoBackendUpGets503() throws Exception {
        echo = new EchoBackend();
        f.start(config(enabled(), new BackendConfig("a", HostPort.of("127.0.0.1", echo.port()), 1, null, null, null, null,
                "down")));
        try (RawHttp c = new RawHttp(f.address())) {
            assertThat(c.send(CONNECT).read().status()).isEqualTo(503);
        }
        assertThat(echo.accepts()).isZero();
    }

    /** curl as a client behind a proxy: CONNECT, then TLS end to end to the backend, verified for the name. */
    @Test
    void curlReachesATlsBackendThroughTheTunnel() throws Exception {
        Assumptions.assumeTrue(TestCertificates.opensslAvailable(), "openssl needed for the certificate");
        Assumptions.assumeTrue(Commands.works("curl", "--version"), "curl needed");
        TestCertificates.Pair cert = TestCertificates.selfSigned(dir, "tunnel", "tunnel.example",
                "DNS:tunnel.example");
        TestBackend b = f.tlsBackend("b1", SslContextBuilder.forServer(cert.cert().toFile(), cert.key().toFile())
                .build());
        f.start(config(enabled(), new BackendConfig("a", HostPort.parse(b.address()), 1, null, null, null, null, null)));
        String out = Commands.run("curl", "-sS", "--proxytunnel", "-x", "http://127.0.0.1:" + f.address().getPort(),
                "--cacert", cert.cert().toString(), "https://tunnel.example/hello");
        assertThat(out).isEqualTo("b1");
        assertThat(b.seenRequestLines()).containsExactly("GET /hello HTTP/1.1");
        assertThat(b.seenHeaders().getFirst().get("Host")).isEqualTo("tunnel.example");
        assertThat(b.seenHeaders().getFirst().contains("X-Forwarded-For")).as("nothing added: the bytes are the client's")
                .isFalse();
    }

    /**
     * A raw TCP echo server on loopback: what it reads it writes back; when its input ends it
     * writes {@link #END_OF_INPUT} and closes, so a client sees that its half-close got through.
     */
    private static final class EchoBackend implements AutoCloseable {

        static final String END_OF_INPUT = "end-of-input\n";

        private final ServerSocket server;
        private final AtomicInteger accepts = new AtomicInteger();

        EchoBackend() throws IOException {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread t = new Thread(this::acceptLoop, "echo-accept");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int accepts() {
            return accepts.get();
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepts.incrementAndGet();
                    Thread t = new Thread(() -> serve(s), "echo");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void serve(Socket s) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
                out.write(END_OF_INPUT.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // the client went away: nothing to echo to
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
