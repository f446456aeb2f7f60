package io.fulcrum.health.check;

import io.fulcrum.health.testing.FlakyOrigin;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Each check type against a real server on loopback: a pass with its timings, and the ways it fails. */
class CheckTypesTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @TempDir
    static Path dir;
    private static SSLContext serverTls;

    @BeforeAll
    static void certificate() throws Exception {
        serverTls = TestCertificates.serving(TestCertificates.selfSigned(dir, "server", "localhost", "DNS:localhost"));
    }

    /** A port nothing listens on (and, being outside the ephemeral range, nothing will). */
    private static int closedPort() {
        return FreePorts.tcp();
    }

    @Test
    void tcpConnectsOrIsRefused() throws Exception {
        try (FlakyOrigin o = new FlakyOrigin("t")) {
            CheckResult ok = new TcpCheck(TIMEOUT).run("127.0.0.1", o.port());
            assertThat(ok.ok()).isTrue();
            assertThat(ok.dnsNanos()).isGreaterThanOrEqualTo(0);
            assertThat(ok.connectNanos()).isPositive();
        }
        CheckResult refused = new TcpCheck(TIMEOUT).run("127.0.0.1", closedPort());
        assertThat(refused.ok()).isFalse();
        assertThat(refused.detail()).contains("refused");
        assertThat(new TcpCheck(TIMEOUT).run("no-such-host.invalid", 80).detail()).contains("cannot resolve");
    }

    @Test
    void httpRecordsEveryPhaseAndChecksStatusAndBody() throws Exception {
        try (FlakyOrigin o = new FlakyOrigin("h")) {
            HttpCheck check = new HttpCheck(false, TIMEOUT, "/", null, StatusSet.parse("200-299"), "ok h", null, false);
            CheckResult r = check.run("127.0.0.1", o.port());
            assertThat(r.ok()).as(r.detail()).isTrue();
            assertThat(r.detail()).isEqualTo("status 200");
            assertThat(r.connectNanos()).isPositive();
            assertThat(r.firstByteNanos()).isGreaterThanOrEqualTo(r.connectNanos());
            assertThat(r.totalNanos()).isGreaterThanOrEqualTo(r.firstByteNanos());
            assertThat(r.responseBytes()).isGreaterThan("ok h\n".length());

            o.mode(FlakyOrigin.Mode.ERROR);
            assertThat(check.run("127.0.0.1", o.port()).detail()).isEqualTo("status 500 (expected 200-299)");
            o.mode(FlakyOrigin.Mode.WRONG_CONTENT);
            assertThat(check.run("127.0.0.1", o.port()).detail()).contains("does not contain \"ok h\"");
            o.mode(FlakyOrigin.Mode.HANG);
            CheckResult hung = check.run("127.0.0.1", o.port());
            assertThat(hung.timedOut()).isTrue();
            assertThat(hung.detail()).contains("response timed out");
        }
    }

    @Test
    void chunkedBodiesAreMatchedAfterDechunking() {
        byte[] raw = ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(HttpResponseText.complete(raw)).isTrue();
        assertThat(HttpResponseText.parse(raw).body()).isEqualTo("hello");
    }

    @Test
    void httpsAndTlsHandshake() throws Exception {
        try (SSLServerSocket server = (SSLServerSocket) serverTls.getServerSocketFactory().createServerSocket(0, 16,
                InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> serveTls(server));
            CheckResult tls = new TlsCheck(Duration.ofSeconds(3), "localhost", false).run("127.0.0.1",
                    server.getLocalPort());
            assertThat(tls.ok()).as(tls.detail()).isTrue();
            assertThat(tls.detail()).contains("TLSv1.");
            CheckResult https = new HttpCheck(true, Duration.ofSeconds(3), "/", "localhost", StatusSet.parse("200"),
                    "secure", null, false).run("127.0.0.1", server.getLocalPort());
            assertThat(https.ok()).as(https.detail()).isTrue();
            assertThat(https.connectNanos()).isPositive();
            // A self-signed certificate is refused when verification is on.
            CheckResult verified = new TlsCheck(Duration.ofSeconds(3), "localhost", true).run("127.0.0.1",
                    server.getLocalPort());
            assertThat(verified.ok()).isFalse();
            assertThat(verified.detail()).startsWith("TLS handshake failed");
        }
        // Plain TCP that never speaks TLS: the handshake times out.
        try (ServerSocket silent = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
            CheckResult r = new TlsCheck(Duration.ofMillis(300), null, false).run("127.0.0.1", silent.getLocalPort());
            assertThat(r.ok()).isFalse();
            assertThat(r.timedOut()).isTrue();
        }
    }

    private static void serveTls(SSLServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket c = server.accept();
                Thread.ofVirtual().start(() -> {
                    try (c; InputStream in = c.getInputStream(); OutputStream out = c.getOutputStream()) {
                        byte[] buf = new byte[4096];
                        int n = in.read(buf);
                        if (n > 0) {
                            out.write("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nsecure\n"
                                    .getBytes(StandardCharsets.ISO_8859_1));
                            out.flush();
                        }
                    } catch (IOException e) {
                        // handshake-only clients close early
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    @Test
    void dnsAsksAndMatchesTheAnswer() throws Exception {
        try (DatagramSocket dns = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> answerA(dns, new byte[]{10, 1, 2, 3}));
            CheckResult ok = new DnsCheck(TIMEOUT, "svc.example.", "A", "10.1.2.3").run("127.0.0.1",
                    dns.getLocalPort());
            assertThat(ok.ok()).as(ok.detail()).isTrue();
            assertThat(ok.detail()).isEqualTo("A 10.1.2.3");
            assertThat(ok.responseBytes()).isPositive();
            CheckResult wrong = new DnsCheck(TIMEOUT, "svc.example", "A", "10.9.9.9").run("127.0.0.1",
                    dns.getLocalPort());
            assertThat(wrong.ok()).isFalse();
            assertThat(wrong.detail()).contains("no A answer contains \"10.9.9.9\"").contains("10.1.2.3");
        }
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            CheckResult r = new DnsCheck(Duration.ofMillis(200), "svc.example", "A", null).run("127.0.0.1",
                    silent.getLocalPort());
            assertThat(r.timedOut()).isTrue();
        }
    }

    /** A one-record DNS server: echoes the question and answers with a compressed A record. */
    private static void answerA(DatagramSocket s, byte[] address) {
        byte[] buf = new byte[512];
        while (!s.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                s.receive(p);
                byte[] q = Arrays.copyOf(buf, p.getLength());
                byte[] answer = {(byte) 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, address[0], address[1], address[2],
                        address[3]};
                byte[] resp = Arrays.copyOf(q, q.length + answer.length);
                System.arraycopy(answer, 0, resp, q.length, answer.length);
                resp[2] = (byte) 0x81;
                resp[3] = (byte) 0x80;
                resp[7] = 1; // ANCOUNT
                s.send(new DatagramPacket(resp, resp.length, p.getSocketAddress()));
            } catch (IOException e) {
                return;
            }
        }
    }

    @Test
    void udpSendsAndExpects() throws Exception {
        try (DatagramSocket echo = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[512];
                while (!echo.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        echo.receive(p);
                        byte[] reply = ("PONG " + new String(buf, 0, p.getLength(), StandardCharsets.UTF_8))
                                .getBytes(StandardCharsets.UTF_8);
                        echo.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            assertThat(new UdpCheck(TIMEOUT, "PING", "PONG").run("127.0.0.1", echo.getLocalPort()).ok()).isTrue();
            CheckResult wrong = new UdpCheck(TIMEOUT, "PING", "HELLO").run("127.0.0.1", echo.getLocalPort());
            assertThat(wrong.ok()).isFalse();
            assertThat(wrong.detail()).contains("does not contain \"HELLO\"");
        }
        CheckResult nobody = new UdpCheck(Duration.ofMillis(300), "PING", "PONG").run("127.0.0.1", closedPort());
        assertThat(nobody.ok()).isFalse();
        assertThat(nobody.detail()).containsAnyOf("port unreachable", "no UDP reply");
    }

    @Test
    void icmpEchoWithSystemPingOrAClearReason() {
        CheckResult local = new IcmpCheck(Duration.ofSeconds(2)).run("127.0.0.1", 0);
        if (local.detail().startsWith("ICMP echo cannot run")) {
            // A machine whose kernel refuses ICMP sockets to this user: the result must say so, and why.
            assertThat(local.ok()).isFalse();
            assertThat(local.detail()).hasSizeGreaterThan("ICMP echo cannot run: ".length());
        } else {
            assertThat(local.ok()).as(local.detail()).isTrue();
            assertThat(local.detail()).startsWith("echo reply");
        }

        CheckResult noBinary = new IcmpCheck(Duration.ofSeconds(1), null).run("127.0.0.1", 0);
        assertThat(noBinary.ok()).isFalse();
        assertThat(noBinary.detail()).startsWith("ICMP echo cannot run: no ping binary");
        CheckResult wrongBinary = new IcmpCheck(Duration.ofSeconds(1), "/nonexistent/ping").run("127.0.0.1", 0);
        assertThat(wrongBinary.detail()).startsWith("ICMP echo cannot run: no ping binary at /nonexistent/ping");
    }

    @Test
    void riseAndFallCountInARow() {
        RiseFall rf = new RiseFall(2, 3);
        assertThat(rf.up()).isTrue();
        assertThat(rf.record(false)).isEqualTo(RiseFall.Change.NONE);
        assertThat(rf.record(false)).isEqualTo(RiseFall.Change.NONE);
        assertThat(rf.record(true)).isEqualTo(RiseFall.Change.NONE); // the streak is broken
        rf.record(false);
        rf.record(false);
        assertThat(rf.record(false)).isEqualTo(RiseFall.Change.WENT_DOWN);
        assertThat(rf.record(true)).isEqualTo(RiseFall.Change.NONE);
        assertThat(rf.record(true)).isEqualTo(RiseFall.Change.CAME_UP);
    }

    @Test
    void timeWeightedAverageForgetsByTime() {
        TimeWeightedAverage avg = new TimeWeightedAverage(1_000);
        avg.add(100, 0);
        assertThat(avg.get()).isEqualTo(100);
        avg.add(200, 1);          // a tiny time step barely moves it
        assertThat(avg.get()).isBetween(100L, 105L);
        avg.add(300, 100_000);    // after many time constants the new sample dominates
        assertThat(avg.get()).isEqualTo(300);
    }

    @Test
    void aHalfLifeAverageGivesASampleHalfItsWeightOneHalfLifeLater() {
        java.time.Duration halfLife = java.time.Duration.ofSeconds(10);
        TimeWeightedAverage avg = TimeWeightedAverage.withHalfLife(halfLife);
        assertThat(avg.get()).isEqualTo(-1);
        avg.add(1_000_000, 0);
        avg.add(0, halfLife.toNanos());
        assertThat(avg.get()).isBetween(499_999L, 500_001L);
        // Samples at the same instant move it no further: no time has passed.
        TimeWeightedAverage burst = TimeWeightedAverage.withHalfLife(halfLife);
        burst.add(1_000_000, 0);
        for (int i = 0; i < 100; i++) {
            burst.add(0, 0);
        }
        assertThat(burst.get()).isEqualTo(1_000_000);
    }
}
