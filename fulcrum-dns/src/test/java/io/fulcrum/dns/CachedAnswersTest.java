package io.fulcrum.dns;

import io.fulcrum.dns.testing.DnsTestServer;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers come from replies encoded when the configuration is applied, with only the ID, the
 * RD bit and the question (in the client's case) patched and the OPT record appended. Over a
 * real socket: the bytes are those of a reply encoded afresh for the query as asked, for every
 * ID and case; kdig and dig see their own ID and case; a zone change replaces the cached replies.
 */
class CachedAnswersTest {

    private static final String ZONE = """
            dns:
              listen: ["127.0.0.1:5353"]
              zones:
                - name: example.test
                  ttl: 60s
                  records:
                    - {name: www, type: A, values: [%s]}
            """;

    @Test
    void aCachedReplyIsByteForByteAFreshEncodeOfTheQueryAsAsked() throws Exception {
        try (DnsTestServer s = DnsTestServer.start(ZONE.formatted("192.0.2.10, 192.0.2.11"));
             DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(3000);
            int id = 0x1000;
            for (String asked : List.of("www.example.test.", "WwW.ExAmPlE.TeSt.", "WWW.EXAMPLE.TEST.")) {
                for (boolean dnssecOk : List.of(false, true)) {
                    for (boolean recursionDesired : List.of(false, true)) {
                        id += 0x0101;
                        Message query = query(asked, id, recursionDesired, dnssecOk);
                        byte[] reply = exchange(socket, s, query.toWire());
                        byte[] fresh = freshReply(asked, id, recursionDesired, dnssecOk,
                                "192.0.2.10", "192.0.2.11").toWire();
                        assertThat(reply).as("%s id %x DO %s RD %s", asked, id, dnssecOk, recursionDesired)
                                .isEqualTo(fresh);
                    }
                }
            }
        }
    }

    @Test
    void kdigGetsItsIdBackAndDigItsCase() throws Exception {
        try (DnsTestServer s = DnsTestServer.start(ZONE.formatted("192.0.2.10, 192.0.2.11"))) {
            // Both drop a reply whose ID or question does not match their query (and then time out).
            // kdig sends the name in lower case; dig sends it as typed.
            String k = s.kdig("+noall", "+question", "+answer", "+edns", "www.example.test", "A");
            assertThat(k).contains("192.0.2.10").contains("192.0.2.11");
            String d = s.dig("+noall", "+question", "+answer", "+noedns", "Www.Example.Test", "A");
            assertThat(d).contains(";Www.Example.Test.").containsPattern("(?m)^Www\\.Example\\.Test\\.\\s+60\\s+IN\\s+A\\s+192\\.0\\.2\\.10$")
                    .doesNotContain("www.example.test");
        }
    }

    @Test
    void aZoneChangeReplacesTheCachedReplies() throws Exception {
        try (DnsTestServer s = DnsTestServer.start(ZONE.formatted("192.0.2.10, 192.0.2.11"))) {
            assertThat(s.kdig("+short", "www.example.test", "A").lines().sorted().toList())
                    .containsExactly("192.0.2.10", "192.0.2.11");
            s.apply(ZONE.formatted("192.0.2.99"));
            assertThat(s.kdig("+short", "www.example.test", "A").lines().toList()).containsExactly("192.0.2.99");
            assertThat(s.dig("+short", "WWW.example.TEST", "A").lines().toList()).containsExactly("192.0.2.99");
            try (DatagramSocket socket = new DatagramSocket()) {
                socket.setSoTimeout(3000);
                byte[] reply = exchange(socket, s, query("wWw.example.test.", 0x4242, true, true).toWire());
                assertThat(reply).isEqualTo(freshReply("wWw.example.test.", 0x4242, true, true, "192.0.2.99").toWire());
            }
        }
    }

    private static Message query(String name, int id, boolean recursionDesired, boolean dnssecOk) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
        q.getHeader().setID(id);
        if (!recursionDesired) {
            q.getHeader().unsetFlag(Flags.RD);
        }
        q.addRecord(new OPTRecord(4096, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
        return q;
    }

    /**
     * The reply encoded from nothing by dnsjava: the question as asked, the zone's A records
     * owned by that name (compressed against the question), and OPT with the server's payload
     * size (1232) and the DO bit echoed.
     */
    private static Message freshReply(String asked, int id, boolean recursionDesired, boolean dnssecOk,
                                      String... addresses) throws Exception {
        Name name = Name.fromString(asked);
        Message m = new Message(id);
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.AA);
        if (recursionDesired) {
            m.getHeader().setFlag(Flags.RD);
        }
        m.addRecord(Record.newRecord(name, Type.A, DClass.IN), Section.QUESTION);
        for (String a : addresses) {
            m.addRecord(new ARecord(name, DClass.IN, 60, InetAddress.ofLiteral(a)), Section.ANSWER);
        }
        m.addRecord(new OPTRecord(1232, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
        return m;
    }

    private static byte[] exchange(DatagramSocket socket, DnsTestServer s, byte[] query) throws Exception {
        socket.send(new DatagramPacket(query, query.length, s.address()));
        byte[] buf = new byte[4096];
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        socket.receive(in);
        return Arrays.copyOf(buf, in.getLength());
    }
}
