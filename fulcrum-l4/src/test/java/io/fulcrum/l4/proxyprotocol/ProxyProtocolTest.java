package io.fulcrum.l4.proxyprotocol;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.l4.L4ListenerConfig;
import io.fulcrum.l4.service.L4Service;
import io.fulcrum.l4.testing.TcpBackend;
import io.fulcrum.l4.testing.TcpBackend.Mode;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static io.fulcrum.l4.testing.L4Configs.backend;
import static io.fulcrum.l4.testing.L4Configs.of;
import static io.fulcrum.l4.testing.L4Configs.pool;
import static io.fulcrum.l4.testing.L4Configs.service;
import static io.fulcrum.l4.testing.L4Configs.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PROXY protocol both ways over real sockets: the exact bytes a backend receives when its
 * pool sends v1 or v2, and the client address a backend sees behind a listener that accepts
 * a header from its clients (v1 and v2).
 */
class ProxyProtocolTest {

    private static final byte[] V2_SIGNATURE = HexFormat.of().parseHex("0d0a0d0a000d0a515549540a");

    private TcpBackend recorder;
    private L4Service l4;

    @AfterEach
    void tearDown() throws IOException {
        if (l4 != null) {
            l4.close();
        }
        if (recorder != null) {
            recorder.close();
        }
    }

    private int start(String send, boolean accept) throws IOException {
        recorder = new TcpBackend("r", Mode.RECORD);
        int port = FreePorts.tcp();
        L4ListenerConfig listener = new L4ListenerConfig(port, "tcp", "p", null, null, accept, null, null, null, null);
        FulcrumConfig config = of(List.of(pool("p", null, send, backend(recorder.address(), 1))),
                List.of(service("pp", List.of("127.0.0.2"), listener)));
        l4 = new L4Service(null);
        l4.start(config);
        return port;
    }

    /** Sends {@code prefix} then {@code payload}, reads the echo of the payload, closes; returns what the backend got. */
    private byte[] exchange(int port, byte[] prefix, String payload, int[] clientPort) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.2", port), 2000);
            s.setSoTimeout(5000);
            clientPort[0] = s.getLocalPort();
            ByteArrayOutputStream first = new ByteArrayOutputStream();
            first.write(prefix);
            first.write(payload.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(first.toByteArray());
            s.shutdownOutput();
            s.getInputStream().readAllBytes();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !recorder.recorded().isEmpty());
        return recorder.recorded().poll();
    }

    @Test
    void v1HeaderIsSentFirstToTheBackend() throws Exception {
        int port = start("v1", false);
        int[] cp = new int[1];
        byte[] got = exchange(port, new byte[0], "hello", cp);
        String expected = "PROXY TCP4 127.0.0.1 127.0.0.2 " + cp[0] + " " + port + "\r\nhello";
        assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo(expected);
    }

    @Test
    void v2HeaderIsSentFirstToTheBackend() throws Exception {
        int port = start("v2", false);
        int[] cp = new int[1];
        byte[] got = exchange(port, new byte[0], "hello", cp);
        ByteBuffer expected = ByteBuffer.allocate(16 + 12 + 5);
        expected.put(V2_SIGNATURE).put((byte) 0x21).put((byte) 0x11).putShort((short) 12)
                .put(new byte[] {127, 0, 0, 1}).put(new byte[] {127, 0, 0, 2})
                .putShort((short) cp[0]).putShort((short) port).put("hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(got).isEqualTo(expected.array());
    }

    @Test
    void aV1HeaderFromTheClientGivesTheAddressTheBackendSees() throws Exception {
        int port = start("v1", true);
        byte[] header = "PROXY TCP4 203.0.113.7 198.51.100.9 40000 443\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] got = exchange(port, header, "data", new int[1]);
        assertThat(new String(got, StandardCharsets.US_ASCII))
                .isEqualTo("PROXY TCP4 203.0.113.7 198.51.100.9 40000 443\r\ndata");
    }

    @Test
    void aV2HeaderFromTheClientGivesTheAddressTheBackendSees() throws Exception {
        int port = start("v1", true);
        ByteBuffer h = ByteBuffer.allocate(16 + 12);
        h.put(V2_SIGNATURE).put((byte) 0x21).put((byte) 0x11).putShort((short) 12)
                .put(new byte[] {(byte) 192, 0, 2, 44}).put(new byte[] {(byte) 198, 51, 100, 1})
                .putShort((short) 51000).putShort((short) 8443);
        byte[] got = exchange(port, h.array(), "v2data", new int[1]);
        assertThat(new String(got, StandardCharsets.US_ASCII))
                .isEqualTo("PROXY TCP4 192.0.2.44 198.51.100.1 51000 8443\r\nv2data");
    }

    @Test
    void aClientWithoutTheHeaderIsClosedWhenTheListenerRequiresIt() throws Exception {
        int port = start("none", true);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.2", port), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(recorder.accepted()).isZero();
        assertThat(Arrays.asList(recorder.recorded().toArray())).isEmpty();
    }

    @Test
    void anIpv6VipSendsATcp6V2Header() throws Exception {
        Assumptions.assumeTrue(ipv6Loopback(), "no IPv6 loopback here");
        recorder = new TcpBackend("r", Mode.RECORD);
        int port = FreePorts.tcp();
        l4 = new L4Service(null);
        l4.start(of(List.of(pool("p", null, "v2", backend(recorder.address(), 1))),
                List.of(service("six", List.of("::1"), tcp(port, "p")))));
        int clientPort;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("::1", port), 2000);
            s.setSoTimeout(5000);
            clientPort = s.getLocalPort();
            s.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            s.getInputStream().readAllBytes();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !recorder.recorded().isEmpty());
        ByteBuffer expected = ByteBuffer.allocate(16 + 36 + 1);
        byte[] loop6 = new byte[16];
        loop6[15] = 1;
        expected.put(V2_SIGNATURE).put((byte) 0x21).put((byte) 0x21).putShort((short) 36).put(loop6).put(loop6)
                .putShort((short) clientPort).putShort((short) port).put((byte) 'x');
        assertThat(recorder.recorded().poll()).isEqualTo(expected.array());
        await().atMost(Duration.ofSeconds(3)).until(() -> l4.connections(10).isEmpty());
    }

    private static boolean ipv6Loopback() {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.bind(new InetSocketAddress("::1", 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
