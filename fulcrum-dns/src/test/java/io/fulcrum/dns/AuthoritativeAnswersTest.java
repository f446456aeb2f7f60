package io.fulcrum.dns;

import io.fulcrum.dns.testing.DnsTestServer;
import io.fulcrum.dns.testing.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every record type, negative answers, errors, truncation and TCP, asked by real clients. */
class AuthoritativeAnswersTest {

    @TempDir
    static Path dir;

    static DnsTestServer server;

    @BeforeAll
    static void start() throws Exception {
        Path zoneFile = dir.resolve("files.test.zone");
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            big.append("big IN TXT \"record ").append(i).append(" ").append("x".repeat(60)).append("\"\n");
        }
        Files.writeString(zoneFile, """
                $ORIGIN files.test.
                $TTL 300
                @     IN SOA ns1.files.test. hostmaster.files.test. ( 2024010101 7200 900 1209600 120 )
                @     IN NS  ns1
                ns1   IN A   192.0.2.53
                host  IN A   192.0.2.1
                      IN AAAA 2001:db8::1
                alias IN CNAME host
                @     IN MX  10 mail
                mail  IN A   192.0.2.25
                _http._tcp IN SRV 0 5 80 host
                txt   IN TXT "hello world" "second string"
                1.2.0.192.in-addr IN PTR host.files.test.
                a.b.c IN A   192.0.2.99
                """ + big);
        server = DnsTestServer.start("""
                dns:
                  listen: ["127.0.0.1:5353"]
                  zones:
                    - name: example.test
                      soa: {mname: ns1.example.test., rname: admin.example.test., serial: 7, minimum: 30s}
                      records:
                        - {name: "@", type: NS, values: [ns1.example.test., ns2.example.test.]}
                        - {name: ns1, type: A, value: 127.0.0.1}
                        - {name: www, type: A, values: [192.0.2.10, 192.0.2.11]}
                        - {name: www, type: AAAA, value: "2001:db8::10"}
                        - {name: web, type: CNAME, value: www}
                        - {name: "@", type: MX, values: ["10 mx1.example.test.", "20 mx2.example.test."]}
                        - {name: mx1, type: A, value: 192.0.2.30}
                        - {name: "@", type: TXT, value: '"v=spf1 -all"'}
                        - {name: _sip._udp, type: SRV, value: "10 60 5060 www.example.test."}
                        - {name: 10.2.0.192.in-addr, type: PTR, value: www.example.test.}
                    - name: files.test
                      file: %s
                    - name: mailbox.test
                      soa: {rname: hostmaster@example.org}
                    - name: dotted.test
                      soa: {rname: "john.doe@example.org."}
                """.formatted(zoneFile));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void digAnswersEveryTypeAuthoritatively() throws Exception {
        assertThat(server.dig("+short", "www.example.test", "A").lines().sorted().toList())
                .containsExactly("192.0.2.10", "192.0.2.11");
        assertThat(server.dig("+short", "www.example.test", "AAAA").strip()).isEqualTo("2001:db8::10");
        assertThat(server.dig("+short", "example.test", "SOA").strip())
                .isEqualTo("ns1.example.test. admin.example.test. 7 3600 600 604800 30");
        assertThat(server.dig("+short", "example.test", "NS").lines().sorted().toList())
                .containsExactly("ns1.example.test.", "ns2.example.test.");
        assertThat(server.dig("+short", "example.test", "MX").lines().sorted().toList())
                .containsExactly("10 mx1.example.test.", "20 mx2.example.test.");
        assertThat(server.dig("+short", "example.test", "TXT").strip()).isEqualTo("\"v=spf1 -all\"");
        assertThat(server.dig("+short", "_sip._udp.example.test", "SRV").strip())
                .isEqualTo("10 60 5060 www.example.test.");
        assertThat(server.dig("+short", "10.2.0.192.in-addr.example.test", "PTR").strip())
                .isEqualTo("www.example.test.");
        // CNAME with the target's records chased inside our own data.
        assertThat(server.dig("+short", "web.example.test", "A").lines().toList())
                .containsExactly("www.example.test.", "192.0.2.10", "192.0.2.11");
        String full = server.dig("+norec", "www.example.test", "A");
        assertThat(full).contains("status: NOERROR").contains("flags: qr aa;");
    }

    @Test
    void zoneFileRecordsAreServed() throws Exception {
        assertThat(server.dig("+short", "files.test", "SOA").strip())
                .isEqualTo("ns1.files.test. hostmaster.files.test. 2024010101 7200 900 1209600 120");
        assertThat(server.dig("+short", "host.files.test", "AAAA").strip()).isEqualTo("2001:db8::1");
        assertThat(server.dig("+short", "alias.files.test", "AAAA").lines().toList())
                .containsExactly("host.files.test.", "2001:db8::1");
        assertThat(server.dig("+short", "files.test", "MX").strip()).isEqualTo("10 mail.files.test.");
        assertThat(server.dig("+short", "_http._tcp.files.test", "SRV").strip()).isEqualTo("0 5 80 host.files.test.");
        assertThat(server.dig("+short", "txt.files.test", "TXT").strip()).isEqualTo("\"hello world\" \"second string\"");
        assertThat(server.dig("+short", "1.2.0.192.in-addr.files.test", "PTR").strip()).isEqualTo("host.files.test.");
        // MX answers carry the target's address in the additional section.
        assertThat(server.dig("+noall", "+additional", "files.test", "MX")).contains("mail.files.test.").contains("192.0.2.25");
    }

    @Test
    void anSoaMailboxWrittenUserAtHostIsThatMailbox() throws Exception {
        // RFC 1035 8: the local part is the first label (its dots escaped), the host is absolute.
        assertThat(server.dig("+short", "mailbox.test", "SOA").strip())
                .isEqualTo("ns1.mailbox.test. hostmaster.example.org. 1 3600 600 604800 60");
        assertThat(server.dig("+short", "dotted.test", "SOA").strip())
                .isEqualTo("ns1.dotted.test. john\\.doe.example.org. 1 3600 600 604800 60");
        SOARecord soa = (SOARecord) server.query("dotted.test.", Type.SOA).getSection(Section.ANSWER).getFirst();
        assertThat(soa.getAdmin().labels()).isEqualTo(4);
        assertThat(soa.getAdmin().getLabelString(0)).isEqualTo("john\\.doe");
    }

    @Test
    void kdigAgrees() throws Exception {
        assumeTrue(Tools.available("kdig"), "kdig (knot-dnsutils) is not installed");
        assertThat(server.kdig("+short", "www.example.test", "A").lines().sorted().toList())
                .containsExactly("192.0.2.10", "192.0.2.11");
        assertThat(server.kdig("+short", "_sip._udp.example.test", "SRV").strip())
                .isEqualTo("10 60 5060 www.example.test.");
        assertThat(server.kdig("+tcp", "+short", "files.test", "MX").strip()).isEqualTo("10 mail.files.test.");
        assertThat(server.kdig("nope.example.test", "A")).contains("NXDOMAIN");
    }

    @Test
    void dnsjavaResolverReadsEveryType() throws Exception {
        for (String type : List.of("SOA", "NS", "A", "AAAA", "MX", "TXT")) {
            String name = type.equals("A") || type.equals("AAAA") ? "www.example.test." : "example.test.";
            Message m = server.query(name, Type.value(type));
            assertThat(m.getRcode()).as(type).isEqualTo(Rcode.NOERROR);
            assertThat(m.getHeader().getFlag(Flags.AA)).as(type).isTrue();
            assertThat(m.getSection(Section.ANSWER)).as(type).isNotEmpty()
                    .allMatch(r -> r.getType() == Type.value(type));
        }
        assertThat(server.query("_sip._udp.example.test.", Type.SRV).getSection(Section.ANSWER)).hasSize(1);
        assertThat(server.query("10.2.0.192.in-addr.example.test.", Type.PTR).getSection(Section.ANSWER)).hasSize(1);
        assertThat(server.query("web.example.test.", Type.CNAME).getSection(Section.ANSWER)).hasSize(1);
        Message tcp = server.queryTcp("www.example.test.", Type.A);
        assertThat(tcp.getSection(Section.ANSWER)).hasSize(2);
    }

    @Test
    void nxdomainAndNodataCarryTheSoa() throws Exception {
        Message nx = server.query("missing.example.test.", Type.A);
        assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(nx.getSection(Section.ANSWER)).isEmpty();
        List<Record> auth = nx.getSection(Section.AUTHORITY);
        assertThat(auth).hasSize(1);
        assertThat(auth.getFirst()).isInstanceOf(SOARecord.class);
        assertThat(auth.getFirst().getName().toString()).isEqualTo("example.test.");
        assertThat(auth.getFirst().getTTL()).isEqualTo(30); // min(SOA TTL, MINIMUM)

        Message nodata = server.query("www.example.test.", Type.MX);
        assertThat(nodata.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(nodata.getSection(Section.ANSWER)).isEmpty();
        assertThat(nodata.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);

        // An empty non-terminal exists: NODATA, not NXDOMAIN.
        Message ent = server.query("b.c.files.test.", Type.A);
        assertThat(ent.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ent.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);
        assertThat(server.dig("deep.missing.files.test", "A")).contains("status: NXDOMAIN").contains("files.test.");
    }

    @Test
    void namesOutsideTheZonesAreRefused() throws Exception {
        assertThat(server.query("www.example.org.", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(server.query("test.", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(server.dig("www.example.org", "A")).contains("status: REFUSED");
    }

    @Test
    void namesAreCaseInsensitiveAndTheQuestionKeepsItsCase() throws Exception {
        String out = server.dig("+noall", "+answer", "+question", "WwW.ExAmPlE.TeSt", "A");
        assertThat(out).contains(";WwW.ExAmPlE.TeSt.").contains("192.0.2.10");
        Message m = server.query("WWW.EXAMPLE.TEST.", Type.A);
        assertThat(m.getSection(Section.ANSWER)).hasSize(2).allMatch(r -> r instanceof ARecord);
    }

    @Test
    void bigAnswersAreTruncatedOverUdpAndComeWholeOverTcp() throws Exception {
        String udp = server.dig("+notcp", "+ignore", "+noedns", "big.files.test", "TXT");
        assertThat(udp).contains("flags: qr aa tc rd;").contains("ANSWER: 0");
        String ednsUdp = server.dig("+notcp", "+ignore", "+bufsize=1232", "big.files.test", "TXT");
        assertThat(ednsUdp).contains("flags: qr aa tc rd;").contains("udp: 1232");
        // dig retries over TCP on TC and gets all 30 records.
        String retried = server.dig("big.files.test", "TXT");
        assertThat(retried).contains("Truncated, retrying in TCP mode").contains("ANSWER: 30");
        assertThat(server.query("big.files.test.", Type.TXT).getSection(Section.ANSWER)).hasSize(30);
        assertThat(server.service().stats().truncatedReplies()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void staticAnswersToEcsQueriesHaveScopeZero() throws Exception {
        String out = server.dig("+subnet=203.0.113.0/24", "www.example.test", "A");
        assertThat(out).contains("CLIENT-SUBNET: 203.0.113.0/24/0");
    }

    @Test
    void malformedQueriesGetFormerrAndResponsesAreIgnored() throws Exception {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(3000);
            // A question name with a compression pointer.
            byte[] bad = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 0x0C, 0, 1, 0, 1};
            s.send(new DatagramPacket(bad, bad.length, server.address()));
            DatagramPacket reply = new DatagramPacket(new byte[512], 512);
            s.receive(reply);
            Message m = new Message(java.util.Arrays.copyOf(reply.getData(), reply.getLength()));
            assertThat(m.getHeader().getID()).isEqualTo(0x1234);
            assertThat(m.getRcode()).isEqualTo(Rcode.FORMERR);
            // Two questions.
            byte[] two = {0x00, 0x07, 0x00, 0x00, 0, 2, 0, 0, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1, 1, 'b', 0, 0, 1, 0, 1};
            s.send(new DatagramPacket(two, two.length, server.address()));
            s.receive(reply);
            assertThat(new Message(java.util.Arrays.copyOf(reply.getData(), reply.getLength())).getRcode())
                    .isEqualTo(Rcode.FORMERR);
            // A response (QR set) is dropped: the next thing received answers the query sent after it.
            byte[] response = {0x00, 0x09, (byte) 0x80, 0x00, 0, 0, 0, 0, 0, 0, 0, 0};
            s.send(new DatagramPacket(response, response.length, server.address()));
            byte[] q = Message.newQuery(Record.newRecord(org.xbill.DNS.Name.fromString("www.example.test."), Type.A,
                    org.xbill.DNS.DClass.IN)).toWire();
            s.send(new DatagramPacket(q, q.length, server.address()));
            s.receive(reply);
            Message ok = new Message(java.util.Arrays.copyOf(reply.getData(), reply.getLength()));
            assertThat(ok.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(ok.getSection(Section.ANSWER)).hasSize(2);
        }
        assertThat(server.service().stats().droppedPackets()).isGreaterThanOrEqualTo(1);
        assertThat(server.service().stats().repliesByRcode().get("FORMERR")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void unknownEdnsVersionGetsBadvers() throws Exception {
        String out = server.dig("+edns=1", "+noednsnegotiation", "www.example.test", "A");
        assertThat(out).contains("status: BADVERS");
    }
}
