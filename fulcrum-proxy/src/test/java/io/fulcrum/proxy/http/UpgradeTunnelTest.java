package io.fulcrum.proxy.http;

import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.config.AccessLogConfig;
import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.core.config.TimeoutsConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.testsupport.RawHttp;
import io.fulcrum.proxy.testing.TestBackend;
import io.fulcrum.proxy.testing.TestConfigs;
import io.fulcrum.proxy.testing.WebSocketEcho;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.pool;
import static io.fulcrum.proxy.testing.TestConfigs.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** WebSocket and any other Upgrade: after the 101, bytes are relayed both ways over real sockets. */
class UpgradeTunnelTest {

    private static final String UPGRADE_FOO = "GET /tunnel HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n"
            + "Upgrade: foo\r\n\r\n";

    private final ProxyFixture f = new ProxyFixture();
    private WebSocketEcho.Backend ws;
    private RawUpgradeBackend raw;

    @AfterEach
    void stop() throws Exception {
        f.close();
        if (ws != null) {
            ws.close();
        }
        if (raw != null) {
            raw.close();
        }
    }

    private static FulcrumConfig config(int backendPort) {
        return single(pool("p", "round-robin", List.of(
                new BackendConfig("a", HostPort.of("127.0.0.1", backendPort), 1, null, null, null, null, null))));
    }

    private void awaitBackendReleased() {
        Backend b = f.proxy().backend("p", "a");
        await().atMost(Duration.ofSeconds(5)).until(() -> b.openConnections() == 0 && b.activeRequests() == 0);
    }

    // ---- WebSocket -----------------------------------------------------------------------------------

    @Test
    void webSocketMessagesAreEchoedThroughTheProxyAndCloseCleanly() throws Exception {
        ws = new WebSocketEcho.Backend();
        f.start(config(ws.port()));
        WebSocketEcho.Collector messages = new WebSocketEcho.Collector();
        HttpClient http = HttpClient.newHttpClient();
        try {
            WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create("ws://127.0.0.1:" + f.address().getPort() + "/ws"), messages)
                    .get(10, TimeUnit.SECONDS);
            Backend b = f.proxy().backend("p", "a");
            assertThat(b.activeRequests()).isEqualTo(1); // held for the tunnel's lifetime
            assertThat(b.openConnections()).isEqualTo(1);

            socket.sendText("hello through fulcrum", true).get(5, TimeUnit.SECONDS);
            assertThat(messages.next()).isEqualTo("T:hello through fulcrum");

            byte[] bin = new byte[40_000];
            new Random(7).nextBytes(bin);
            socket.sendBinary(ByteBuffer.wrap(bin), true).get(5, TimeUnit.SECONDS);
            assertThat(messages.next()).isEqualTo("B:" + Arrays.hashCode(bin) + ":" + bin.length);

            for (int i = 0; i < 50; i++) {
                socket.sendText("m" + i, true).get(5, TimeUnit.SECONDS);
            }
            for (int i = 0; i < 50; i++) {
                assertThat(messages.next()).isEqualTo("T:m" + i);
            }

            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            assertThat(messages.closed.get(5, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
        } finally {
            http.close();
        }
        awaitBackendReleased();
        // The tunnel's backend connection never went back to the keep-alive pool.
        await().atMost(Duration.ofSeconds(5)).until(() -> ws.open() == 0);
    }

    // ---- any Upgrade ---------------------------------------------------------------------------------

    @Test
    void rawUpgradeRelaysBytesBothWaysAndHalfCloseLetsTheLastBytesThrough() throws Exception {
        raw = new RawUpgradeBackend(true);
        f.start(config(raw.port()));
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response r = c.send(UPGRADE_FOO).read();
            assertThat(r.status()).isEqualTo(101);
            assertThat(r.header("upgrade")).isEqualTo("foo");
            assertThat(r.header("connection")).containsIgnoringCase("upgrade");
            // Sent by the backend in the same packet as its 101: left in the decoder at the switch.
            assertThat(text(c.readBytes(RawUpgradeBackend.GREETING.length()))).isEqualTo(RawUpgradeBackend.GREETING);
            assertThat(f.proxy().backend("p", "a").activeRequests()).isEqualTo(1);

            c.send("ping-1");
            assertThat(text(c.readBytes(6))).isEqualTo("ping-1");
            c.send("GET / HTTP/1.1\r\n\r\n"); // not HTTP any more: relayed as it is
            assertThat(text(c.readBytes(18))).isEqualTo("GET / HTTP/1.1\r\n\r\n");

            c.shutdownOutput();
            // The backend sees the end of input, answers its last bytes and closes.
            assertThat(text(c.readToEnd())).isEqualTo("bye");
        }
        String head = raw.heads.getFirst().toLowerCase(Locale.ROOT);
        assertThat(head).startsWith("get /tunnel http/1.1\r\n").contains("\r\nupgrade: foo\r\n")
                .contains("\r\nconnection: upgrade\r\n");
        awaitBackendReleased();
    }

    @Test
    void theTunnelIsLoggedWhenItCloses(@TempDir Path dir) throws Exception {
        raw = new RawUpgradeBackend(true);
        Path file = dir.resolve("access.log");
        FulcrumConfig c0 = config(raw.port());
        f.start(FulcrumConfigBuilder.config()
                .server(c0.server())
                .accessLog(new AccessLogConfig(true, "json", file.toString()))
                .listeners(c0.listeners())
                .pools(c0.pools())
                .build());
        try (RawHttp c = new RawHttp(f.address())) {
            assertThat(c.send(UPGRADE_FOO).read().status()).isEqualTo(101);
            c.readBytes(RawUpgradeBackend.GREETING.length());
            c.send("ping-1");
            c.readBytes(6);
            Thread.sleep(200);
            assertThat(Files.exists(file) ? Files.readAllLines(file) : List.of()).isEmpty(); // still open
            c.shutdownOutput();
            assertThat(text(c.readToEnd())).isEqualTo("bye");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(file) && Files.readAllLines(file).size() == 1);
        assertThat(Files.readAllLines(file).getFirst()).contains("\"method\":\"GET\"", "\"uri\":\"/tunnel\"",
                "\"status\":101", "\"bytes_in\":6", "\"bytes_out\":" + (RawUpgradeBackend.GREETING.length() + 6 + 3),
                "\"backend\":\"p/a\"");
        awaitBackendReleased();
    }

    @Test
    void manyMegabytesBothWaysWithBackpressure() throws Exception {
        raw = new RawUpgradeBackend(false);
        f.start(config(raw.port()));
        int total = 16 * 1024 * 1024;
        byte[] data = new byte[total];
        new Random(3).nextBytes(data);
        try (Socket s = new Socket()) {
            s.connect(f.address(), 5000);
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(UPGRADE_FOO.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 101");
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    for (int off = 0; off < total; off += 65536) {
                        out.write(data, off, Math.min(65536, total - off));
                    }
                    out.flush();
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] back = in.readAllBytes();
            writer.get(20, TimeUnit.SECONDS);
            assertThat(back.length).isEqualTo(total + 3);
            assertThat(Arrays.equals(back, 0, total, data, 0, total)).isTrue();
            assertThat(text(Arrays.copyOfRange(back, total, total + 3))).isEqualTo("bye");
        }
        awaitBackendReleased();
    }

    /**
     * The client half-closes first and then reads slowly while the backend sends a lot: the
     * proxy's client socket has no read interest left and must still wait for writability
     * (this lost data with Netty 4.2.18's epoll until {@code EpollKeepRegistered}).
     */
    @Test
    void aClientThatHalfClosesFirstStillGetsEverythingTheBackendSendsAfterwards() throws Exception {
        int total = 8 * 1024 * 1024;
        byte[] data = new byte[total];
        new Random(5).nextBytes(data);
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread backend = Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    readHead(in);
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    while (in.read() >= 0) {
                        // wait for the client's FIN, passed on by the proxy
                    }
                    out.write(data);
                    out.flush();
                } catch (IOException e) {
                    // the test fails on the client side
                }
            });
            f.start(config(server.getLocalPort()));
            try (Socket s = new Socket()) {
                s.connect(f.address(), 5000);
                s.setSoTimeout(20_000);
                s.setReceiveBufferSize(16 * 1024);
                s.getOutputStream().write(UPGRADE_FOO.getBytes(StandardCharsets.ISO_8859_1));
                InputStream in = s.getInputStream();
                assertThat(readHead(in)).startsWith("HTTP/1.1 101");
                s.shutdownOutput();
                // Not an assertion: gives the backend time to fill every buffer on the way first.
                Thread.sleep(200);
                byte[] back = in.readAllBytes();
                assertThat(back.length).isEqualTo(total);
                assertThat(Arrays.equals(back, data)).isTrue();
            }
            backend.join(10_000);
        }
        awaitBackendReleased();
    }

    @Test
    void anUpgradeRequestAnsweredWith200IsAnOrdinaryExchange() throws Exception {
        TestBackend a = f.backend("a");
        f.start(single(pool("p", "round-robin", List.of(backend(a, 1)))));
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response r = c.send(UPGRADE_FOO).read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("a");
            // The connection goes on as HTTP.
            assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
        }
        assertThat(a.seenHeaders().getFirst().get("upgrade")).isEqualTo("foo");
        assertThat(a.seenHeaders().getFirst().get("connection")).isEqualToIgnoringCase("upgrade");
        await().atMost(Duration.ofSeconds(5)).until(() -> f.proxy().backend("p", "a").activeRequests() == 0);
    }

    @Test
    void upgradeHeadersOnAPostAreNotAnUpgrade() throws Exception {
        TestBackend a = f.backend("a");
        f.start(single(pool("p", "round-robin", List.of(backend(a, 1)))));
        try (RawHttp c = new RawHttp(f.address())) {
            RawHttp.Response r = c.send("POST / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: foo\r\n"
                    + "Content-Length: 2\r\n\r\nhi").read();
            assertThat(r.status()).isEqualTo(200);
        }
        assertThat(a.seenHeaders().getFirst().contains("upgrade")).isFalse();
    }

    @Test
    void aSwitchWithoutAnUpgradeRequestIsABadGateway() throws Exception {
        raw = new RawUpgradeBackend(false);
        f.start(config(raw.port()));
        try (RawHttp c = new RawHttp(f.address())) {
            assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(502);
        }
        awaitBackendReleased();
    }

    @Test
    void anIdleTunnelIsClosedButTheRequestTimeoutDoesNotApply() throws Exception {
        raw = new RawUpgradeBackend(false);
        ListenerConfig l = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                .timeouts(new TimeoutsConfig(null, Duration.ofMillis(600), Duration.ofMillis(200)))
                .routes(List.of(new RouteConfig("default", null, "p", null)))
                .build();
        f.start(TestConfigs.single(l, pool("p", "round-robin", List.of(
                        new BackendConfig("a", HostPort.of("127.0.0.1", raw.port()), 1, null, null, null, null, null)))));
        try (RawHttp c = new RawHttp(f.address())) {
            assertThat(c.send(UPGRADE_FOO).read().status()).isEqualTo(101);
            for (int i = 0; i < 4; i++) {
                Thread.sleep(150); // past the request timeout, but never idle for long
                c.send("k" + i);
                assertThat(text(c.readBytes(2))).isEqualTo("k" + i);
            }
            long quietSince = System.nanoTime();
            c.soTimeout(5000);
            assertThat(c.isClosedByPeer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - quietSince)).isGreaterThan(Duration.ofMillis(400));
        }
        awaitBackendReleased();
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed in the head");
            }
            b.write(c);
            byte[] s = b.toByteArray();
            int n = s.length;
            if (n >= 4 && s[n - 4] == '\r' && s[n - 3] == '\n' && s[n - 2] == '\r' && s[n - 1] == '\n') {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
        }
    }

    /**
     * A tiny backend over plain sockets: any request gets a 101 (with {@link #GREETING} in the same
     * write when asked), then it echoes raw bytes; at the end of its input it sends "bye" and closes.
     */
    private static final class RawUpgradeBackend implements AutoCloseable {
        static final String GREETING = "hello-from-backend";
        final ServerSocket server;
        final List<String> heads = new CopyOnWriteArrayList<>();
        final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final boolean greet;
        private final Thread acceptor;

        RawUpgradeBackend(boolean greet) throws IOException {
            this.greet = greet;
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = Thread.ofVirtual().start(this::acceptLoop);
        }

        int port() {
            return server.getLocalPort();
        }

        private void acceptLoop() {
            try {
                while (true) {
                    Socket s = server.accept();
                    sockets.add(s);
                    Thread.ofVirtual().start(() -> serve(s));
                }
            } catch (IOException e) {
                // closed
            }
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                heads.add(readHead(in));
                String answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\n"
                        + (greet ? GREETING : "");
                out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                byte[] buf = new byte[65536];
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
                out.write("bye".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                // the proxy went away
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
            acceptor.join(1000);
        }
    }
}
