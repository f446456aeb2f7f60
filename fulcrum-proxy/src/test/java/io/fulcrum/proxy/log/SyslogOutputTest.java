package io.fulcrum.proxy.log;

import io.fulcrum.core.config.AccessLogConfig;
import io.fulcrum.core.config.SyslogConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.proxy.testing.TestBackend;
import io.fulcrum.testsupport.Commands;
import io.fulcrum.testsupport.RawHttp;
import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.listener;
import static io.fulcrum.proxy.testing.TestConfigs.pool;
import static io.fulcrum.proxy.testing.TestConfigs.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The access log sent to syslog (issue 23): the exact RFC 5424 datagram, as received by a real
 * UDP socket and by a real Unix datagram socket (a python3 receiver, as {@code /dev/log} is one).
 */
class SyslogOutputTest {

    private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;
    private final ProxyFixture f = new ProxyFixture();
    private Process receiver;

    @AfterEach
    void stop() {
        f.close();
        if (receiver != null) {
            receiver.destroy();
        }
    }

    private TestBackend start(SyslogConfig syslog, String template) throws Exception {
        TestBackend b = f.backend("b1");
        f.start(FulcrumConfigBuilder.config().server(server())
                .accessLog(new AccessLogConfig(true, "text", null, template, null, syslog))
                .listener(listener(List.of(new io.fulcrum.core.config.RouteConfig("all", null, "p", null))))
                .pool(pool("p", "round-robin", List.of(backend(b, 1)))).build());
        return b;
    }

    private void get(String path) throws Exception {
        try (RawHttp c = new RawHttp(f.address())) {
            assertThat(c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
        }
    }

    @Test
    void udpDatagramsAreRfc5424WithTheConfiguredHeaderAndAreCutAtMaxLength() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(10_000);
            start(new SyslogConfig("udp://127.0.0.1:" + socket.getLocalPort(), "local3", "notice", null, "node-a",
                    null, 480), "%{method} %{uri} %{status} \"%{error}\"");
            get("/hello");
            byte[] buf = new byte[65536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.receive(p);
            String msg = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            // local3 (19) * 8 + notice (5) = 157; version 1; no structured data.
            assertThat(msg).matches("<157>1 " + TIME + " node-a fulcrum " + PID + " access - GET /hello 200 \"-\"");

            String longPath = "/" + "a".repeat(1000);
            get(longPath);
            p = new DatagramPacket(buf, buf.length);
            socket.receive(p);
            assertThat(p.getLength()).as("cut to maxLength").isEqualTo(480);
            assertThat(new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII))
                    .matches("<157>1 " + TIME + " node-a fulcrum " + PID + " access - GET /a+");
        }
        assertThat(f.proxy().accessLogDropped()).isZero();
    }

    @Test
    void aUnixDatagramSocketGetsTheSameFraming() throws Exception {
        Assumptions.assumeTrue(Commands.works("python3", "--version"), "python3 runs the Unix datagram receiver");
        Path sock = dir.resolve("log.sock");
        // Binds the socket, says so, then prints each datagram it receives in hex, one per line.
        receiver = new ProcessBuilder("python3", "-u", "-c", """
                import socket, sys
                s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                s.bind(sys.argv[1])
                print("ready", flush=True)
                while True:
                    print(s.recv(65536).hex(), flush=True)
                """, sock.toString()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(receiver.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("ready");

        start(new SyslogConfig("unix:" + sock, null, null, "edge", "lb-1", "http", null),
                "%{status} %{path} %{backend}");
        get("/x?y=1");
        String hex = out.readLine();
        String msg = new String(HexFormat.of().parseHex(hex), StandardCharsets.UTF_8);
        // local0 (16) * 8 + info (6) = 134.
        assertThat(msg).matches("<134>1 " + TIME + " lb-1 edge " + PID + " http - 200 /x p/b1");
        assertThat(f.proxy().accessLogDropped()).isZero();
    }

    @Test
    void recordsForAnAbsentSyslogAreDroppedAndCountedWhileRequestsGoOn() throws Exception {
        start(new SyslogConfig("unix:" + dir.resolve("nobody-listens.sock"), null, null, null, null, null, null),
                null);
        for (int i = 0; i < 3; i++) {
            get("/");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> f.proxy().accessLogDropped() == 3);
    }
}
