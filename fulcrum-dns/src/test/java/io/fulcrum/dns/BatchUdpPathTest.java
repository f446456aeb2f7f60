package io.fulcrum.dns;

import io.fulcrum.dns.testing.DnsTestServer;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * UDP on Linux is served by the server's own batch sockets ({@code recvmmsg} / {@code sendmmsg}
 * on a thread each), not by Netty: its counters and threads show it, a burst larger than one
 * batch is answered whole, every reply goes to the socket its query came from even when the
 * datagrams around it get none, and closing the server ends its threads and frees the port.
 * Netty's path, the fallback, still serves when chosen.
 */
class BatchUdpPathTest {

    private static final String ZONE = """
            dns:
              listen: ["127.0.0.1:5353"]
              threads: %d
              zones:
                - name: example.test
                  records: [{name: www, type: A, values: [192.0.2.1, 192.0.2.2]}]
            """;

    @Test
    void digIsAnsweredByTheBatchPath() throws Exception {
        try (DnsTestServer server = DnsTestServer.start(ZONE.formatted(1))) {
            assertThat(server.service().udpTransport()).isEqualTo("recvmmsg");
            for (int i = 0; i < 5; i++) {
                assertThat(server.dig("+short", "www.example.test", "A").lines().sorted().toList())
                        .containsExactly("192.0.2.1", "192.0.2.2");
            }
            DnsStats stats = server.service().stats();
            assertThat(stats.udpQueries()).isEqualTo(5);
            assertThat(stats.udpBatchedDatagrams()).as("datagrams read by recvmmsg").isEqualTo(5);
            assertThat(stats.udpBatches()).isBetween(1L, 5L);
            assertThat(batchThreads(server.port())).as("threads serving the port").isEqualTo(1);
        }
    }

    @Test
    void aMixedBurstLargerThanABatchGetsEveryDueReplyAtItsOwnSocket() throws Exception {
        try (DnsTestServer server = DnsTestServer.start(ZONE.formatted(1));
             DatagramSocket a = client();
             DatagramSocket b = client()) {
            InetSocketAddress to = server.address();
            int burst = 100;
            // What each ID should get back (no entry: no reply at all).
            Map<Integer, Integer> expected = new HashMap<>();
            int dropped = 0;
            for (int id = 1; id <= burst; id++) {
                DatagramSocket from = id % 2 == 0 ? a : b;
                byte[] wire = query(id);
                switch (id % 10) {
                    case 3 -> { // shorter than a header
                        wire = Arrays.copyOf(wire, 5);
                        dropped++;
                    }
                    case 5 -> { // a response: never answered
                        wire[2] |= (byte) 0x80;
                        dropped++;
                    }
                    case 7 -> { // over 4 KB: cut by the kernel at the slot's end, then FORMERR
                        wire = Arrays.copyOf(wire, 5000);
                        expected.put(id, Rcode.FORMERR);
                    }
                    default -> expected.put(id, Rcode.NOERROR);
                }
                from.send(new DatagramPacket(wire, wire.length, to));
            }
            Map<Integer, Integer> got = new HashMap<>();
            receiveAll(a, got, 0);
            receiveAll(b, got, 1);
            assertThat(got).isEqualTo(expected);

            DnsStats stats = server.service().stats();
            assertThat(stats.udpBatchedDatagrams()).isEqualTo(burst);
            assertThat(stats.udpBatches()).as("a batch holds at most 32").isGreaterThanOrEqualTo((burst + 31) / 32);
            assertThat(stats.droppedPackets()).isEqualTo(dropped);
            assertThat(stats.repliesByRcode().get("FORMERR")).isEqualTo(burst / 10);
            // The socket goes on answering.
            assertThat(server.dig("+short", "www.example.test", "A")).contains("192.0.2.1");
        }
    }

    @Test
    void nettysPathStillServesWhereItIsChosen() throws Exception {
        System.setProperty("fulcrum.dns.udp", "netty");
        try (DnsTestServer server = DnsTestServer.start(ZONE.formatted(1))) {
            assertThat(server.service().udpTransport()).isEqualTo("epoll");
            assertThat(server.dig("+short", "www.example.test", "A")).contains("192.0.2.1");
            assertThat(server.service().stats().udpQueries()).isEqualTo(1);
            assertThat(server.service().stats().udpBatches()).isZero();
            assertThat(batchThreads(server.port())).isZero();
        } finally {
            System.clearProperty("fulcrum.dns.udp");
        }
    }

    @Test
    void closingEndsEveryThreadAndFreesThePort() throws Exception {
        DnsTestServer server = DnsTestServer.start(ZONE.formatted(3));
        int port = server.port();
        try {
            assertThat(batchThreads(port)).isEqualTo(3);
            assertThat(server.dig("+short", "www.example.test", "A")).contains("192.0.2.1");
        } finally {
            server.close();
        }
        assertThat(batchThreads(port)).isZero();
        // No socket of the server is left: a socket without SO_REUSEPORT can take the port.
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            assertThat(s.getLocalPort()).isEqualTo(port);
        }
    }

    /** Live threads of the batch path serving {@code port}. */
    private static long batchThreads(int port) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("fulcrum-dns-udp-")
                        && t.getName().endsWith("-" + port))
                .count();
    }

    private static DatagramSocket client() throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        s.setReceiveBufferSize(1 << 20);
        return s;
    }

    /** Reads replies until none comes for a second; each ID must come once, to the socket that asked. */
    private static void receiveAll(DatagramSocket s, Map<Integer, Integer> got, int parity) throws Exception {
        s.setSoTimeout(1000);
        byte[] buf = new byte[65535];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                return;
            }
            Message m = new Message(Arrays.copyOf(buf, p.getLength()));
            int id = m.getHeader().getID();
            assertThat(id % 2).as("reply " + id + " at the socket that asked").isEqualTo(parity == 0 ? 0 : 1);
            assertThat(got.put(id, m.getRcode())).as("replies to " + id).isNull();
            if (m.getRcode() == Rcode.NOERROR) {
                assertThat(m.getSection(Section.ANSWER)).hasSize(2);
                assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
            }
        }
    }

    private static byte[] query(int id) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString("www.example.test."), Type.A, DClass.IN));
        q.getHeader().setID(id);
        q.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        return q.toWire();
    }
}
