package io.fulcrum.dns;

import io.fulcrum.dns.testing.DnsTestServer;
import io.fulcrum.dns.testing.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Wildcards synthesise answers as RFC 4592 (and RFC 4034 4.3.3) says: a name that does not
 * exist is answered from {@code *.<its closest encloser>}, owned by the query name; a
 * wildcard does not cover names below an existing name (empty non-terminals included); a
 * wildcard CNAME is followed. Asked with dig, kdig and dnsjava.
 */
class WildcardTest {

    static DnsTestServer server;

    @BeforeAll
    static void start() throws Exception {
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            big.append("\"record ").append(i).append(' ').append("x".repeat(60)).append("\", ");
        }
        server = DnsTestServer.start("""
                sites:
                  - {name: east, region: ARIN, vips: [192.0.2.20]}
                dns:
                  listen: ["127.0.0.1:5353"]
                  zones:
                    - name: example.test
                      soa: {mname: ns1.example.test., rname: hostmaster.example.test., minimum: 30s}
                      records:
                        - {name: "*.wild", type: A, values: [192.0.2.77, 192.0.2.78]}
                        - {name: "*.wild", type: TXT, value: '"from the wildcard"'}
                        - {name: host.wild, type: A, value: 192.0.2.1}
                        - {name: a.ent.wild, type: A, value: 192.0.2.5}
                        - {name: "*.alias", type: CNAME, value: www}
                        - {name: www, type: A, value: 192.0.2.10}
                        - {name: "*.mx", type: MX, value: "10 mail.example.test."}
                        - {name: to-wild, type: CNAME, value: target.wild}
                        - {name: mx-to-wild, type: MX, value: "10 smtp.wild.example.test."}
                        - {name: mail, type: A, value: 192.0.2.25}
                        - {name: "*.big", type: TXT, values: [%s]}
                    - name: apex.test
                      records:
                        - {name: "*", type: AAAA, value: "2001:db8::7"}
                  gslb:
                    - {name: "*.gslb.example.test", policy: [up]}
                """.formatted(big.substring(0, big.length() - 2)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aNameThatDoesNotExistIsAnsweredFromTheWildcardAndOwnsTheAnswer() throws Exception {
        String out = server.dig("+noall", "+answer", "+comments", "foo.wild.example.test", "A");
        assertThat(out).contains("status: NOERROR").contains("flags: qr aa rd;");
        assertThat(answers(out)).containsExactlyInAnyOrder(
                "foo.wild.example.test. 60 IN A 192.0.2.77", "foo.wild.example.test. 60 IN A 192.0.2.78");
        // Any depth below the closest encloser; the case the client wrote.
        assertThat(answers(server.dig("+noall", "+answer", "A.Deep.Er.WILD.example.test", "TXT")))
                .containsExactly("A.Deep.Er.WILD.example.test. 60 IN TXT \"from the wildcard\"");
        // A wildcard at a zone apex.
        assertThat(answers(server.dig("+noall", "+answer", "anything.apex.test", "AAAA")))
                .containsExactly("anything.apex.test. 60 IN AAAA 2001:db8::7");
        // The wildcard name itself is an ordinary name.
        assertThat(answers(server.dig("+noall", "+answer", "*.wild.example.test", "A"))).hasSize(2)
                .allMatch(a -> a.startsWith("*.wild.example.test. "));
        Message m = server.query("x.wild.example.test.", Type.A);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getSection(Section.ANSWER)).hasSize(2)
                .allSatisfy(r -> assertThat(r.getName().toString()).isEqualTo("x.wild.example.test."));
    }

    @Test
    void otherTypesAtAWildcardAreNodata() throws Exception {
        Message m = server.query("foo.wild.example.test.", Type.MX);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getSection(Section.ANSWER)).isEmpty();
        List<Record> authority = m.getSection(Section.AUTHORITY);
        assertThat(authority).singleElement().isInstanceOf(SOARecord.class);
        SOARecord soa = (SOARecord) authority.getFirst();
        assertThat(soa.getName().toString()).isEqualTo("example.test.");
        assertThat(soa.getHost().toString()).isEqualTo("ns1.example.test.");
        assertThat(soa.getAdmin().toString()).isEqualTo("hostmaster.example.test.");
        assertThat(server.dig("bar.apex.test", "A")).contains("status: NOERROR").contains("ANSWER: 0,")
                .contains("AUTHORITY: 1,");
    }

    @Test
    void noMatchBelowAnExistingNameNorAnEmptyNonTerminalNorTheApex() throws Exception {
        // host.wild exists: *.wild does not cover x.host.wild (its closest encloser is host.wild).
        assertThat(server.dig("x.host.wild.example.test", "A")).contains("status: NXDOMAIN");
        // ent.wild exists only as the parent of a.ent.wild: the same.
        assertThat(server.dig("b.ent.wild.example.test", "A")).contains("status: NXDOMAIN");
        assertThat(server.dig("ent.wild.example.test", "A")).contains("status: NOERROR").contains("ANSWER: 0,");
        // The existing names keep their own data.
        assertThat(server.dig("+short", "host.wild.example.test", "A").strip()).isEqualTo("192.0.2.1");
        assertThat(server.dig("+short", "a.ent.wild.example.test", "A").strip()).isEqualTo("192.0.2.5");
        // A wildcard covers names below its parent, not the parent (wild) nor names elsewhere.
        assertThat(server.dig("wild.example.test", "A")).contains("status: NOERROR").contains("ANSWER: 0,");
        assertThat(server.dig("foo.example.test", "A")).contains("status: NXDOMAIN");
        assertThat(server.dig("apex.test", "AAAA")).contains("status: NOERROR").contains("ANSWER: 0,");
        // An asterisk inside a name is a plain label: x.*.wild has the closest encloser *.wild.
        assertThat(server.dig("x.*.wild.example.test", "A")).contains("status: NXDOMAIN");
    }

    @Test
    void aWildcardCnameIsSynthesisedAndFollowed() throws Exception {
        String out = server.dig("+noall", "+answer", "foo.alias.example.test", "A");
        assertThat(answers(out)).containsExactly("foo.alias.example.test. 60 IN CNAME www.example.test.",
                "www.example.test. 60 IN A 192.0.2.10");
        assertThat(answers(server.dig("+noall", "+answer", "bar.alias.example.test", "CNAME")))
                .containsExactly("bar.alias.example.test. 60 IN CNAME www.example.test.");
        // Names in RDATA and the additional section survive the longer question name.
        String mx = server.dig("+noall", "+answer", "+additional", "a-rather-long-label.and-another.mx.example.test",
                "MX");
        assertThat(answers(mx)).containsExactly(
                "a-rather-long-label.and-another.mx.example.test. 60 IN MX 10 mail.example.test.",
                "mail.example.test. 60 IN A 192.0.2.25");
    }

    @Test
    void aCnameToANameAWildcardCoversCarriesTheSynthesisedRecords() throws Exception {
        assertThat(answers(server.dig("+noall", "+answer", "to-wild.example.test", "A"))).containsExactlyInAnyOrder(
                "to-wild.example.test. 60 IN CNAME target.wild.example.test.",
                "target.wild.example.test. 60 IN A 192.0.2.77", "target.wild.example.test. 60 IN A 192.0.2.78");
        // And an MX target it covers gets its addresses in the additional section.
        assertThat(answers(server.dig("+noall", "+additional", "mx-to-wild.example.test", "MX")))
                .containsExactlyInAnyOrder("smtp.wild.example.test. 60 IN A 192.0.2.77",
                        "smtp.wild.example.test. 60 IN A 192.0.2.78");
    }

    @Test
    void aGslbWildcardAnswersForEveryNameBelowIt() throws Exception {
        assertThat(answers(server.dig("+noall", "+answer", "shop.gslb.example.test", "A")))
                .containsExactly("shop.gslb.example.test. 60 IN A 192.0.2.20");
        assertThat(answers(server.dig("+noall", "+answer", "+subnet=198.51.100.0/24", "a.b.gslb.example.test", "A")))
                .containsExactly("a.b.gslb.example.test. 60 IN A 192.0.2.20");
    }

    @Test
    void aBigSynthesisedAnswerIsTruncatedOverUdpAndWholeOverTcp() throws Exception {
        String udp = server.dig("+notcp", "+ignore", "+bufsize=1232", "t.big.example.test", "TXT");
        assertThat(udp).contains("flags: qr aa tc rd;").contains("ANSWER: 0,").contains("udp: 1232");
        String tcp = server.dig("+tcp", "+noall", "+answer", "some.longer.name.big.example.test", "TXT");
        assertThat(answers(tcp)).hasSize(30).allMatch(a -> a.startsWith("some.longer.name.big.example.test. 60 IN TXT"));
    }

    @Test
    void kdigAgrees() throws Exception {
        assumeTrue(Tools.available("kdig"), "kdig (knot-dnsutils) is not installed");
        String out = server.kdig("+noall", "+answer", "kdig.wild.example.test", "A");
        assertThat(out).contains("kdig.wild.example.test.").contains("192.0.2.77").contains("192.0.2.78");
        assertThat(server.kdig("+tcp", "+noall", "+answer", "k.alias.example.test", "A"))
                .contains("k.alias.example.test.").contains("CNAME").contains("192.0.2.10");
    }

    /** The answer lines of dig's output with runs of white space made one space. */
    private static List<String> answers(String digOutput) {
        return digOutput.lines().filter(l -> !l.isBlank() && !l.startsWith(";"))
                .map(l -> l.strip().replaceAll("\\s+", " ")).toList();
    }
}
