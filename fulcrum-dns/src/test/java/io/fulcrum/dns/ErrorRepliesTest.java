package io.fulcrum.dns;

import io.fulcrum.dns.testing.DnsTestServer;
import io.fulcrum.dns.testing.RawClient;
import io.fulcrum.dns.testing.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What error replies carry and which queries get them (RFC 1035, 1995, 6891, 7873): the
 * question and the OPT record echoed in every error reply to an EDNS query, authority
 * records accepted (the IXFR query), and FORMERR for a malformed cookie, trailing bytes and
 * a UDP query over 4 KB. Asked with dig and kdig, and with raw datagrams for what they
 * cannot send.
 */
class ErrorRepliesTest {

    private static final int OPTION_PADDING = 12;

    static DnsTestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = DnsTestServer.start("""
                dns:
                  listen: ["127.0.0.1:5353"]
                  zones:
                    - name: example.test
                      soa: {serial: 5}
                      records: [{name: www, type: A, value: 192.0.2.10}]
                """);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void notimpToAnEdnsQueryEchoesTheQuestionAndTheOpt() throws Exception {
        // An opcode we do not implement (STATUS, then NOTIFY), over UDP and TCP.
        for (String opcode : List.of("+opcode=status", "+opcode=notify")) {
            for (String transport : List.of("+notcp", "+tcp")) {
                String out = server.dig(opcode, transport, "+nsid", "www.example.test", "A");
                assertThat(out).as(opcode + " " + transport).contains("status: NOTIMP")
                        .contains("QUERY: 1,").contains(";www.example.test.\t\tIN\tA")
                        .contains("OPT PSEUDOSECTION").contains("; EDNS: version: 0").contains("udp: 1232");
            }
        }
        // FORMERR (a bad client subnet) and REFUSED carry it too.
        String formerr = server.dig("+ednsopt=8:0001200000", "www.example.test", "A");
        assertThat(formerr).contains("status: FORMERR").contains("QUERY: 1,").contains("; EDNS: version: 0");
        String refused = server.dig("www.example.org", "A");
        assertThat(refused).contains("status: REFUSED").contains("QUERY: 1,").contains("; EDNS: version: 0");
    }

    @Test
    void ixfrWithTheClientsSoaInAuthorityGetsNotimpNotFormerr() throws Exception {
        // dig's IXFR query: the client's SOA (serial 1) in the authority section (RFC 1995 3).
        // (+all after -t IXFR, which sets its own display options.)
        String udp = server.dig("+notcp", "-t", "IXFR=1", "example.test", "+all");
        assertThat(udp).contains("status: NOTIMP").contains(";example.test.\t\t\tIN\tIXFR")
                .contains("; EDNS: version: 0");
        assumeTrue(Tools.available("kdig"), "kdig (knot-dnsutils) is not installed");
        for (String transport : List.of("+tcp", "+notcp")) {
            assertThat(server.kdigAnyExit(transport, "-t", "IXFR=1", "example.test")).as(transport)
                    .contains("server replied with error 'NOTIMPL'");
        }
        // AXFR: the same.
        assertThat(server.kdigAnyExit("-t", "AXFR", "example.test")).contains("server replied with error 'NOTIMPL'");
    }

    @Test
    void authorityRecordsInAStandardQueryAreAccepted() throws Exception {
        Message q = query("www.example.test.", Type.A);
        q.addRecord(new SOARecord(Name.fromString("example.test."), DClass.IN, 60, Name.fromString("ns1.example.test."),
                Name.fromString("h.example.test."), 1, 3600, 600, 86400, 60), Section.AUTHORITY);
        try (RawClient c = new RawClient(server.address())) {
            Message reply = new Message(c.exchange(q.toWire()));
            assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(reply.getSection(Section.ANSWER)).singleElement()
                    .satisfies(r -> assertThat(r.rdataToString()).isEqualTo("192.0.2.10"));
        }
    }

    @Test
    void aCookieOfAWrongLengthIsFormerrWithTheOpt() throws Exception {
        // RFC 7873 5.2.2: 8 bytes (client cookie), or 16 to 40 (with a server cookie); else FORMERR.
        for (String cookie : List.of("0102030405", "010203040506070809", "01".repeat(41))) {
            String out = server.dig("+ednsopt=10:" + cookie, "www.example.test", "A");
            assertThat(out).as(cookie).contains("status: FORMERR").contains("; EDNS: version: 0")
                    .contains("QUERY: 1,");
        }
        for (String cookie : List.of("0102030405060708", "01".repeat(24), "01".repeat(40))) {
            assertThat(server.dig("+cookie=" + cookie, "www.example.test", "A")).as(cookie)
                    .contains("status: NOERROR").contains("ANSWER: 1,");
        }
        assumeTrue(Tools.available("kdig"), "kdig (knot-dnsutils) is not installed");
        assertThat(server.kdigAnyExit("+ednsopt=10:0102030405", "www.example.test", "A"))
                .contains("status: FORMERR").contains("EDNS PSEUDOSECTION");
    }

    @Test
    void trailingBytesAfterTheMessageAreFormerr() throws Exception {
        try (RawClient c = new RawClient(server.address())) {
            for (boolean edns : new boolean[] {false, true}) {
                Message q = query("www.example.test.", Type.A);
                if (edns) {
                    q.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
                }
                byte[] wire = q.toWire();
                byte[] garbage = Arrays.copyOf(wire, wire.length + 3);
                garbage[wire.length] = (byte) 0xDE;
                garbage[wire.length + 1] = (byte) 0xAD;
                garbage[wire.length + 2] = (byte) 0xBE;
                Message reply = new Message(c.exchange(garbage));
                assertThat(reply.getHeader().getID()).isEqualTo(q.getHeader().getID());
                assertThat(reply.getRcode()).as("edns " + edns).isEqualTo(Rcode.FORMERR);
                assertThat(reply.getQuestion().getName().toString()).isEqualTo("www.example.test.");
                assertThat(reply.getOPT() != null).as("OPT in the reply").isEqualTo(edns);
                // The same query without the garbage is answered.
                assertThat(new Message(c.exchange(wire)).getRcode()).isEqualTo(Rcode.NOERROR);
            }
        }
    }

    @Test
    void aUdpQueryOverFourKilobytesIsFormerr() throws Exception {
        try (RawClient c = new RawClient(server.address())) {
            byte[] exact = padded(4096);
            assertThat(exact).hasSize(4096);
            Message atLimit = new Message(c.exchange(exact));
            assertThat(atLimit.getRcode()).as("a query of 4096 bytes").isEqualTo(Rcode.NOERROR);
            assertThat(atLimit.getSection(Section.ANSWER)).hasSize(1);

            // The same query with 100 bytes more: the first 4096 are a whole message.
            byte[] over = Arrays.copyOf(exact, 4196);
            Message cut = new Message(c.exchange(over));
            assertThat(cut.getRcode()).as("4096 good bytes and 100 more").isEqualTo(Rcode.FORMERR);
            assertThat(cut.getQuestion().getName().toString()).isEqualTo("www.example.test.");
            assertThat(cut.getOPT()).isNotNull();

            // A well-formed message of 5000 bytes.
            assertThat(new Message(c.exchange(padded(5000))).getRcode()).isEqualTo(Rcode.FORMERR);
        }
    }

    /** A query for www.example.test A whose OPT has a padding option (RFC 7830) making it this long. */
    private static byte[] padded(int length) throws Exception {
        int base = paddedQuery(0).toWire().length;
        return paddedQuery(length - base).toWire();
    }

    private static Message paddedQuery(int padding) throws Exception {
        Message q = query("www.example.test.", Type.A);
        q.getHeader().setID(4242);
        List<org.xbill.DNS.EDNSOption> options = List.of(new GenericEDNSOption(OPTION_PADDING, new byte[padding]));
        q.addRecord(new OPTRecord(1232, 0, 0, 0, options), Section.ADDITIONAL);
        return q;
    }

    private static Message query(String name, int type) throws Exception {
        return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    }
}
