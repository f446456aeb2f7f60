package io.fulcrum.l4.udp;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.l4.L4ListenerConfig;
import io.fulcrum.core.config.l4.L4TimeoutsConfig;
import io.fulcrum.l4.service.L4Service;
import io.fulcrum.l4.testing.TcpBackend;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.fulcrum.l4.testing.L4Configs.backend;
import static io.fulcrum.l4.testing.L4Configs.of;
import static io.fulcrum.l4.testing.L4Configs.pool;
import static io.fulcrum.l4.testing.L4Configs.service;
import static io.fulcrum.l4.testing.L4Configs.udp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/** The UDP router over real sockets: sessions, shares by weight, replies from the VIP, session timeout, hashing. */
class UdpRouterTest {

    private final List<UdpEcho> backends = new ArrayList<>();
    private L4Service l4;

    @AfterEach
    void tearDown() {
        if (l4 != null) {
            l4.close();
        }
        backends.forEach(UdpEcho::close);
    }

    /** Answers every datagram with {@code name:payload}. */
    private static final class UdpEcho {
        final DatagramSocket socket;
        final String name;

        UdpEcho(String name) throws IOException {
            this.name = name;
            this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[2048];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        byte[] reply = (name + ":" + new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII))
                                .getBytes(StandardCharsets.US_ASCII);
                        socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        String address() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        void close() {
            socket.close();
        }
    }

    private UdpEcho echo(String name) throws IOException {
        UdpEcho e = new UdpEcho(name);
        backends.add(e);
        return e;
    }

    /** Sends one datagram from {@code client} to the VIP and returns the reply and where it came from. */
    private static DatagramPacket ask(DatagramSocket client, int port, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        client.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.2", port)));
        byte[] buf = new byte[2048];
        DatagramPacket reply = new DatagramPacket(buf, buf.length);
        for (int i = 0; ; i++) {
            try {
                client.receive(reply);
                return reply;
            } catch (SocketTimeoutException e) {
                if (i == 3) {
                    throw e;
                }
                client.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.2", port)));
            }
        }
    }

    private int start(L4ListenerConfig listener, UdpEcho... echoes) throws IOException {
        var bcs = java.util.Arrays.stream(echoes).map(e -> backend(e.address(), e.name.equals("a") ? 3 : 2))
                .toArray(io.fulcrum.core.config.BackendConfig[]::new);
        FulcrumConfig config = of(List.of(pool("p", "weighted-round-robin", null, bcs)),
                List.of(service("dns", List.of("127.0.0.2"), listener)));
        l4 = new L4Service(null);
        l4.start(config);
        return listener.port();
    }

    @Test
    void sessionsFollowWeightsAndRepliesComeFromTheVip() throws Exception {
        UdpEcho a = echo("a");
        UdpEcho b = echo("b");
        int port = start(udp(FreePorts.udp("127.0.0.1"), "p", false), a, b);
        Map<String, Integer> counts = new HashMap<>();
        // All clients stay open until the end, so no two of them share a port (and a session).
        List<DatagramSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                open.add(client);
                client.setSoTimeout(1000);
                DatagramPacket r1 = ask(client, port, "q" + i);
                String text = new String(r1.getData(), 0, r1.getLength(), StandardCharsets.US_ASCII);
                String name = text.substring(0, text.indexOf(':'));
                assertThat(text).isEqualTo(name + ":q" + i);
                assertThat(r1.getSocketAddress()).isEqualTo(new InetSocketAddress("127.0.0.2", port));
                // The same client stays on its backend for the session.
                DatagramPacket r2 = ask(client, port, "again");
                assertThat(new String(r2.getData(), 0, r2.getLength(), StandardCharsets.US_ASCII))
                        .isEqualTo(name + ":again");
                counts.merge(name, 1, Integer::sum);
            }
            assertThat(counts.get("a") / 50.0).isCloseTo(0.6, within(0.04));
            assertThat(counts.get("b") / 50.0).isCloseTo(0.4, within(0.04));
            assertThat(l4.connections(100)).hasSize(50).allSatisfy(r -> {
                assertThat(r.protocol()).isEqualTo("udp");
                assertThat(r.state()).isEqualTo("ACTIVE");
            });
        } finally {
            open.forEach(DatagramSocket::close);
        }
    }

    @Test
    void idleSessionsExpireAfterTheSessionTimeout() throws Exception {
        UdpEcho a = echo("a");
        int port = FreePorts.udp("127.0.0.1");
        L4ListenerConfig listener = new L4ListenerConfig(port, "udp", "p", null,
                new L4TimeoutsConfig(null, null, null, null, Duration.ofMillis(300)), null, null, null, null, null);
        start(listener, a);
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(1000);
            ask(client, port, "x");
            assertThat(l4.connections(10)).hasSize(1);
            await().atMost(Duration.ofSeconds(3)).until(() -> l4.connections(10).isEmpty());
            assertThat(l4.backendCounters().getFirst().completed()).isEqualTo(1);
            // The backend's totals: one session, "x" in and "a:x" out (more if a lost datagram was sent again).
            var c = l4.backendCounters().getFirst();
            assertThat(c.opened()).isEqualTo(1);
            assertThat(c.bytesIn()).isPositive();
            assertThat(c.bytesOut()).isEqualTo(3 * c.bytesIn());
            // A new datagram opens a new session.
            ask(client, port, "y");
            assertThat(l4.connections(10)).hasSize(1);
        }
    }

    @Test
    void theHashOptionSendsAClientToTheSameBackendAcrossSessionsAndRouters() throws Exception {
        UdpEcho a = echo("a");
        UdpEcho b = echo("b");
        int port = start(udp(FreePorts.udp("127.0.0.1"), "p", true), a, b);
        Map<Integer, String> first = new HashMap<>();
        List<DatagramSocket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                DatagramSocket c = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                c.setSoTimeout(1000);
                clients.add(c);
                DatagramPacket r = ask(c, port, "h");
                first.put(c.getLocalPort(), new String(r.getData(), 0, r.getLength(), StandardCharsets.US_ASCII));
            }
            assertThat(first.values()).contains("a:h", "b:h");
            // A second router with the same configuration (a fresh selector) agrees for every client.
            l4.close();
            int port2 = start(udp(port, "p", true), a, b);
            for (DatagramSocket c : clients) {
                DatagramPacket r = ask(c, port2, "h");
                assertThat(new String(r.getData(), 0, r.getLength(), StandardCharsets.US_ASCII))
                        .isEqualTo(first.get(c.getLocalPort()));
            }
        } finally {
            clients.forEach(DatagramSocket::close);
        }
    }

    @Test
    void aReloadKeepsLiveSessionsOnTheirBackendAndSendsNewOnesToTheNewPool() throws Exception {
        UdpEcho a = echo("a");
        UdpEcho b = echo("b");
        int port = FreePorts.udp("127.0.0.1");
        start(udp(port, "p", false), a);
        try (DatagramSocket old = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket fresh = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            old.setSoTimeout(1000);
            fresh.setSoTimeout(1000);
            assertThat(text(ask(old, port, "1"))).isEqualTo("a:1");
            // Backend a leaves the pool, b comes in.
            l4.apply(of(List.of(pool("p", "weighted-round-robin", null, backend(b.address(), 2))),
                    List.of(service("dns", List.of("127.0.0.2"), udp(port, "p", false)))));
            assertThat(text(ask(old, port, "2"))).isEqualTo("a:2");
            assertThat(text(ask(fresh, port, "3"))).isEqualTo("b:3");
        }
    }

    private static String text(DatagramPacket p) {
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
    }
}
