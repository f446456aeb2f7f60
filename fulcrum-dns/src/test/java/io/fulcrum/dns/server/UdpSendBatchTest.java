package io.fulcrum.dns.server;

import io.fulcrum.dns.DnsEngine;
import io.fulcrum.dns.testing.DnsTestServer;
import io.fulcrum.dns.zone.SnapshotBuilder;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Replies of the same size to one client leave a batch as one segmented message
 * ({@code UDP_SEGMENT}): two clients' queries wait in the socket before its thread starts, so its
 * reads take full batches; each client then gets every reply as a datagram of its own, with its
 * query's ID and question and the right answer, replies of another size (a longer name) among
 * them, and the socket counts replies sent segmented.
 */
class UdpSendBatchTest {

    private static final int PER_NAME = 60;

    @Test
    void sameSizedRepliesToOneClientAreSentSegmentedAndArriveAsTheirOwnDatagrams() throws Exception {
        assumeThat(BatchUdpSocket.available()).as("the batch UDP path runs on Linux x86-64/aarch64 only").isTrue();
        assumeThat(UdpSendBatch.SEGMENTATION).as("-Dfulcrum.dns.udpSegmentation=false").isTrue();
        var c = DnsTestServer.config("""
                dns:
                  listen: ["127.0.0.1:5353"]
                  zones:
                    - name: example.test
                      records:
                        - {name: www, type: A, values: [192.0.2.10, 192.0.2.11]}
                        - {name: a-much-longer-name, type: A, value: 192.0.2.12}
                """);
        DnsEngine engine = new DnsEngine();
        engine.snapshot(SnapshotBuilder.build(c.dns(), c.sites()));
        try (BatchUdpSocket socket = BatchUdpSocket.bound(engine, new InetSocketAddress("127.0.0.1", 0), "gso-test");
             DatagramSocket one = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
             DatagramSocket two = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            Map<Integer, String> asked = new HashMap<>();
            int id = 1;
            // Interleaved: client one, client two, and names of two reply sizes.
            for (int i = 0; i < PER_NAME; i++) {
                for (DatagramSocket client : List.of(one, two)) {
                    for (String name : List.of("www.example.test.", "a-much-longer-name.example.test.")) {
                        send(client, socket.localAddress(), id, name);
                        asked.put(id++, name + (client == one ? "@one" : "@two"));
                    }
                }
            }
            socket.start();
            Map<Integer, String> answered = new HashMap<>();
            answered.putAll(receive(one, "@one", 2 * PER_NAME));
            answered.putAll(receive(two, "@two", 2 * PER_NAME));
            assertThat(answered).isEqualTo(asked);
            assertThat(socket.segmentedReplies()).isGreaterThan(0);
        }
    }

    private static void send(DatagramSocket client, InetSocketAddress server, int id, String name) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
        q.getHeader().setID(id);
        q.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        byte[] wire = q.toWire();
        client.send(new DatagramPacket(wire, wire.length, server));
    }

    /** Reads {@code n} replies, each checked against its question; returns ID to "name@client". */
    private static Map<Integer, String> receive(DatagramSocket client, String who, int n) throws Exception {
        client.setSoTimeout(5000);
        Map<Integer, String> got = new HashMap<>();
        DatagramPacket in = new DatagramPacket(new byte[4096], 4096);
        for (int i = 0; i < n; i++) {
            client.receive(in);
            Message r = new Message(java.util.Arrays.copyOf(in.getData(), in.getLength()));
            String name = r.getQuestion().getName().toString();
            List<Record> answers = r.getSection(Section.ANSWER);
            if (name.startsWith("www.")) {
                assertThat(answers).extracting(a -> ((ARecord) a).getAddress().getHostAddress())
                        .containsExactlyInAnyOrder("192.0.2.10", "192.0.2.11");
            } else {
                assertThat(answers).extracting(a -> ((ARecord) a).getAddress().getHostAddress())
                        .containsExactly("192.0.2.12");
            }
            got.put(r.getHeader().getID(), name + who);
        }
        return got;
    }
}
