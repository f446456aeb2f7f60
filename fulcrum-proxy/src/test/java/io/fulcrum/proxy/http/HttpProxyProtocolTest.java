package io.fulcrum.proxy.http;

import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import io.fulcrum.testsupport.config.PoolConfigBuilder;
import io.fulcrum.core.config.AccessLogConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.ListenerConfig;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.proxy.testing.TestBackend;
import io.fulcrum.proxy.testing.TestConfigs;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PROXY protocol on the HTTP proxy: a listener that accepts the header uses its client
 * address for X-Forwarded-For; a pool that sends it writes it first on each backend
 * connection, which then serves that client only.
 */
class HttpProxyProtocolTest {

    private final ProxyFixture fx = new ProxyFixture();
    private ServerSocket raw;

    @AfterEach
    void tearDown() throws IOException {
        fx.close();
        if (raw != null) {
            raw.close();
        }
    }

    private static PoolConfig pool(String name, String backendAddress, String proxyProtocol) {
        return PoolConfigBuilder.pool(name)
                .backends(List.of(new io.fulcrum.core.config.BackendConfig(null, HostPort.parse(backendAddress), 1, null, null, null, null, null)))
                .proxyProtocol(proxyProtocol)
                .build();
    }

    private static String exchange(int port, byte[] prefix, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(prefix);
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            int r;
            while ((r = in.read(buf)) > 0) {
                got.write(buf, 0, r);
                if (got.toString(StandardCharsets.US_ASCII).contains("\r\n\r\n")) {
                    break;
                }
            }
            return got.toString(StandardCharsets.US_ASCII);
        }
    }

    @Test
    void anAcceptingListenerForwardsAndLogsTheHeadersClientAddress(@TempDir Path dir) throws Exception {
        TestBackend b = fx.backend("b");
        ListenerConfig listener = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                .routes(List.of(new RouteConfig("all", null, "p", null)))
                .acceptProxyProtocol(true)
                .build();
        Path log = dir.resolve("access.log");
        fx.start(FulcrumConfigBuilder.config()
                .server(TestConfigs.server())
                .accessLog(new AccessLogConfig(true, "text", log.toString()))
                .listeners(List.of(listener))
                .pools(List.of(pool("p", b.address(), null)))
                .build());
        String reply = exchange(fx.address().getPort(),
                "PROXY TCP4 203.0.113.50 192.0.2.1 55555 80\r\n".getBytes(StandardCharsets.US_ASCII),
                "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(reply).startsWith("HTTP/1.1 200");
        assertThat(b.seenHeaders().getLast().get("X-Forwarded-For")).isEqualTo("203.0.113.50");
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(log)
                && Files.readString(log).contains("203.0.113.50:55555"));
    }

    @Test
    void aSendingPoolWritesTheHeaderFirstOnTheBackendConnection() throws Exception {
        Queue<String> received = new ConcurrentLinkedQueue<>();
        raw = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!raw.isClosed()) {
                try (Socket s = raw.accept()) {
                    s.setSoTimeout(5000);
                    InputStream in = s.getInputStream();
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    byte[] buf = new byte[4096];
                    int r;
                    while (!got.toString(StandardCharsets.US_ASCII).contains("\r\n\r\n") && (r = in.read(buf)) > 0) {
                        got.write(buf, 0, r);
                    }
                    received.add(got.toString(StandardCharsets.US_ASCII));
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // next
                }
            }
        });
        ListenerConfig listener = ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0))
                .routes(List.of(new RouteConfig("all", null, "p", null)))
                .build();
        fx.start(TestConfigs.single(listener, pool("p", "127.0.0.1:" + raw.getLocalPort(), "v1")));
        int port = fx.address().getPort();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /x HTTP/1.1\r\nHost: y\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] head = s.getInputStream().readNBytes(12);
            assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
            await().atMost(Duration.ofSeconds(5)).until(() -> !received.isEmpty());
            assertThat(received.poll()).startsWith("PROXY TCP4 127.0.0.1 127.0.0.1 " + s.getLocalPort() + " " + port
                    + "\r\nGET /x HTTP/1.1\r\n");
        }
    }
}
