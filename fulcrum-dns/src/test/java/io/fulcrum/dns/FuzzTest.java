package io.fulcrum.dns;

import io.fulcrum.dns.gslb.GslbRecord;
import io.fulcrum.dns.testing.DnsTestServer;
import io.fulcrum.dns.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 100,000 random and mutated packets over real UDP and TCP: the server never crashes,
 * every reply it sends is a well-formed DNS message, its memory stays bounded (sticky
 * table at its cap, no leaked buffers: the leak extension checks), and it answers
 * correctly afterwards.
 */
class FuzzTest {

    private static final int UDP_PACKETS = 95_000;
    private static final int TCP_CONNECTIONS = 50;
    private static final int TCP_FRAMES = 100;

    @Test
    void randomAndMutatedPacketsBreakNothing() throws Exception {
        try (DnsTestServer s = DnsTestServer.start("""
                sites:
                  - {name: a, region: ARIN, vips: [192.0.2.20, "2001:db8::20"]}
                  - {name: b, region: RIPE, vips: [192.0.2.30, "2001:db8::30"]}
                dns:
                  listen: ["127.0.0.1:5353"]
                  stickyEntries: 500
                  zones:
                    - name: example.test
                      records:
                        - {name: www, type: A, values: [192.0.2.10, 192.0.2.11]}
                        - {name: "@", type: MX, value: "10 www.example.test."}
                        - {name: txt, type: TXT, value: '"fuzz"'}
                  gslb:
                    - {name: app.example.test, policy: [up, geo, weighted, sticky]}
                """)) {
            Random random = new Random(20240601);
            List<byte[]> seeds = seeds();
            var memory = ManagementFactory.getMemoryMXBean();
            System.gc();
            long heapBefore = memory.getHeapMemoryUsage().getUsed();

            int[] udp = fuzzUdp(s.address(), random, seeds);
            int tcpReplies = fuzzTcp(s.address(), random, seeds);

            assertThat(udp[1]).as("UDP replies that are not well-formed DNS").isZero();
            assertThat(udp[0]).as("UDP replies").isGreaterThan(UDP_PACKETS / 10);
            assertThat(tcpReplies).as("TCP replies").isGreaterThan(0);

            // Correct answers afterwards, over both transports.
            assertThat(s.dig("+short", "www.example.test", "A").lines().sorted().toList())
                    .containsExactly("192.0.2.10", "192.0.2.11");
            assertThat(s.queryTcp("www.example.test.", Type.A).getSection(Section.ANSWER)).hasSize(2);
            assertThat(s.query("nope.example.test.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
            try (RawClient c = new RawClient(s.address())) {
                assertThat(c.first("app.example.test.", Type.A, "81.2.69.0/24")).isEqualTo("192.0.2.30");
            }

            // Bounded memory: the sticky table stays at its cap; the heap did not keep what the fuzz made.
            for (GslbRecord g : s.service().engine().snapshot().gslbRecords()) {
                assertThat(g.stickyEntries()).isLessThanOrEqualTo(500);
            }
            System.gc();
            long heapAfter = memory.getHeapMemoryUsage().getUsed();
            assertThat(heapAfter - heapBefore).as("heap growth in bytes").isLessThan(64L << 20);
            assertThat(s.service().stats().repliesByRcode().get("FORMERR")).isPositive();
        }
    }

    /** Valid queries to mutate: several names and types, with and without EDNS and ECS. */
    private static List<byte[]> seeds() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        String[] names = {"www.example.test.", "app.example.test.", "example.test.", "x.y.example.test.",
            "other.test."};
        int[] types = {Type.A, Type.AAAA, Type.MX, Type.TXT, Type.SOA, Type.ANY};
        for (String n : names) {
            for (int t : types) {
                Message q = Message.newQuery(Record.newRecord(Name.fromString(n), t, DClass.IN));
                seeds.add(q.toWire());
                Message e = Message.newQuery(Record.newRecord(Name.fromString(n), t, DClass.IN));
                e.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new ClientSubnetOption(24,
                        InetAddress.ofLiteral("198.51.100.0")))), Section.ADDITIONAL);
                seeds.add(e.toWire());
            }
        }
        return seeds;
    }

    private static byte[] packet(Random r, List<byte[]> seeds) {
        int kind = r.nextInt(4);
        if (kind == 0) {
            byte[] b = new byte[r.nextInt(600)];
            r.nextBytes(b);
            return b;
        }
        byte[] seed = seeds.get(r.nextInt(seeds.size()));
        byte[] b = Arrays.copyOf(seed, seed.length);
        if (kind == 1) {
            for (int i = 1 + r.nextInt(6); i > 0; i--) {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
        } else if (kind == 2) {
            b = Arrays.copyOf(b, r.nextInt(b.length + 1)); // truncated
        } else {
            // A valid query from a fresh client subnet (fills the sticky table), with a random header count now and then.
            b = withSubnet(r);
            if (r.nextInt(8) == 0) {
                b[4 + r.nextInt(8)] = (byte) r.nextInt(256);
            }
        }
        if (b.length < 2) {
            return b;
        }
        b[0] = (byte) r.nextInt(256);
        b[1] = (byte) r.nextInt(256);
        return b;
    }

    private static byte[] withSubnet(Random r) {
        try {
            Message q = Message.newQuery(Record.newRecord(Name.fromString("app.example.test."), Type.A, DClass.IN));
            byte[] net = {(byte) (1 + r.nextInt(223)), (byte) r.nextInt(256), (byte) r.nextInt(256), 0};
            q.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new ClientSubnetOption(24, InetAddress.getByAddress(net)))),
                    Section.ADDITIONAL);
            return q.toWire();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return {replies, replies that dnsjava cannot parse} */
    private static int[] fuzzUdp(InetSocketAddress server, Random r, List<byte[]> seeds) throws IOException {
        int replies = 0;
        int malformed = 0;
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(new InetSocketAddress("127.0.0.1", 0));
            ch.configureBlocking(false);
            ByteBuffer in = ByteBuffer.allocate(65536);
            for (int i = 0; i < UDP_PACKETS; i++) {
                ch.send(ByteBuffer.wrap(packet(r, seeds)), server);
                if (i % 64 == 63) {
                    // Let the server keep up, and read what it sent.
                    long until = System.nanoTime() + 2_000_000;
                    while (System.nanoTime() < until) {
                        in.clear();
                        if (ch.receive(in) == null) {
                            Thread.onSpinWait();
                            continue;
                        }
                        replies++;
                        if (!parses(Arrays.copyOf(in.array(), in.position()))) {
                            malformed++;
                        }
                    }
                }
            }
        }
        return new int[] {replies, malformed};
    }

    private static boolean parses(byte[] reply) {
        try {
            Message m = new Message(reply);
            return m.getHeader().getFlag(org.xbill.DNS.Flags.QR);
        } catch (IOException e) {
            return false;
        }
    }

    private static int fuzzTcp(InetSocketAddress server, Random r, List<byte[]> seeds) throws Exception {
        AtomicInteger replies = new AtomicInteger();
        for (int c = 0; c < TCP_CONNECTIONS; c++) {
            try (Socket socket = new Socket()) {
                socket.connect(server, 3000);
                socket.setSoTimeout(3000);
                DataInputStream din = new DataInputStream(socket.getInputStream());
                Thread reader = Thread.ofVirtual().start(() -> {
                    try {
                        while (true) {
                            int len = din.readUnsignedShort();
                            din.readFully(new byte[len]);
                            replies.incrementAndGet();
                        }
                    } catch (IOException done) {
                        // closed
                    }
                });
                OutputStream out = socket.getOutputStream();
                try {
                    for (int f = 0; f < TCP_FRAMES; f++) {
                        byte[] p = packet(r, seeds);
                        out.write(new byte[] {(byte) (p.length >> 8), (byte) p.length});
                        out.write(p);
                    }
                    if (c % 10 == 9) {
                        out.write(new byte[] {(byte) 0xFF, (byte) 0xFF, 1, 2, 3}); // a frame that never completes
                    }
                    out.flush();
                    socket.shutdownOutput();
                } catch (IOException closedByServer) {
                    // Allowed: a frame that gets no reply (a response, a runt) makes the server close
                    // the connection after the replies before it, so later writes may find it gone.
                }
                reader.join(5000);
            }
        }
        return replies.get();
    }
}
