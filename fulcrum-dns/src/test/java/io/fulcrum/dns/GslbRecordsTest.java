package io.fulcrum.dns;

import io.fulcrum.dns.testing.DnsTestServer;
import io.fulcrum.dns.testing.MutableSiteState;
import io.fulcrum.dns.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** GSLB answers over real UDP: each policy, the ECS scope, shares within bounds, and the two tiers. */
class GslbRecordsTest {

    private static final String ZONE = """
            dns:
              listen: ["127.0.0.1:5353"]
              zones:
                - name: example.test
                  records:
                    - {name: www, type: A, value: 192.0.2.1}
            """;

    private static final String THREE_SITES = """
            sites:
              - {name: east, region: ARIN, vips: [192.0.2.10, 192.0.2.11, "2001:db8::10"], weight: 3,
                 nodes: [{name: gns1.east.example.test., address: 198.51.100.1},
                         {name: gns2.east.example.test., address: 198.51.100.2}]}
              - {name: west, region: RIPE, vips: [192.0.2.20, 192.0.2.21, "2001:db8::20"], weight: 1,
                 nodes: [{name: gns1.west.example.test., address: 198.51.100.3},
                         {name: gns2.west.example.test., address: 198.51.100.4}]}
              - {name: asia, region: APNIC, vips: [192.0.2.30], weight: 0,
                 nodes: [{name: gns1.asia.example.test., address: 198.51.100.5}]}
            """;

    private static int scope(Message m) {
        for (EDNSOption o : m.getOPT().getOptions()) {
            if (o instanceof ClientSubnetOption ecs) {
                return ecs.getScopePrefixLength();
            }
        }
        return -1;
    }

    @Test
    void geoFollowsTheClientSubnetAndAnswersWithItsScope() throws Exception {
        try (DnsTestServer s = DnsTestServer.start(THREE_SITES + ZONE + """
                  gslb:
                    - {name: app.example.test, policy: [up, geo], answers: 3, ttl: 20s}
                """); RawClient c = new RawClient(s.address())) {
            assertThat(c.first("app.example.test.", Type.A, "81.2.69.0/24")).isEqualTo("192.0.2.20");
            assertThat(c.first("app.example.test.", Type.A, "8.8.8.0/24")).isEqualTo("192.0.2.10");
            assertThat(c.first("app.example.test.", Type.A, "1.1.1.0/24")).isEqualTo("192.0.2.30");
            assertThat(c.first("app.example.test.", Type.A, "200.160.0.0/20")).isNotEqualTo("192.0.2.30");
            assertThat(c.first("app.example.test.", Type.AAAA, "2a00:1450::/32")).isEqualTo("2001:db8:0:0:0:0:0:20");
            Message m = c.ask("app.example.test.", Type.A, "81.2.69.0/24");
            assertThat(scope(m)).isEqualTo(8); // the registry table places whole /8s
            assertThat(m.getSection(Section.ANSWER)).hasSize(3).allMatch(r -> r.getTTL() == 20);
            assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
            // Best first, one VIP of each site before the second of any.
            assertThat(m.getSection(Section.ANSWER).stream().map(Record::rdataToString))
                    .containsExactly("192.0.2.20", "192.0.2.10", "192.0.2.30");
            // The answer for a name of the zone without GSLB does not depend on the subnet: scope 0.
            assertThat(scope(c.ask("www.example.test.", Type.A, "81.2.69.0/24"))).isZero();
            // NODATA for other types at a GSLB name.
            Message mx = c.ask("app.example.test.", Type.MX, null);
            assertThat(mx.getSection(Section.ANSWER)).isEmpty();
            assertThat(mx.getSection(Section.AUTHORITY)).hasSize(1);
            assertThat(s.service().stats().gslbAnswersByPolicy().get("geo")).isGreaterThanOrEqualTo(6);
        }
    }

    @Test
    void aCnameToAGslbNameCarriesTheGslbAnswer() throws Exception {
        String zone = ZONE.replace("- {name: www, type: A, value: 192.0.2.1}",
                "- {name: www, type: A, value: 192.0.2.1}\n        - {name: shop, type: CNAME, value: app.example.test.}");
        try (DnsTestServer s = DnsTestServer.start(THREE_SITES + zone + """
                  gslb:
                    - {name: app.example.test, policy: [up, geo], answers: 1}
                """)) {
            assertThat(s.dig("+short", "shop.example.test", "A", "+subnet=81.2.69.0/24").lines().toList())
                    .containsExactly("app.example.test.", "192.0.2.20");
            assertThat(s.dig("+short", "shop.example.test", "A", "+subnet=8.8.8.0/24").lines().toList())
                    .containsExactly("app.example.test.", "192.0.2.10");
            assertThat(s.dig("+short", "shop.example.test", "CNAME").strip()).isEqualTo("app.example.test.");
        }
    }

    @Test
    void weightedSharesHoldWithinBounds() throws Exception {
        try (DnsTestServer s = DnsTestServer.start(THREE_SITES + ZONE + """
                  gslb:
                    - {name: app.example.test, policy: [up, weighted], answers: 1}
                """); RawClient c = new RawClient(s.address())) {
            Map<String, Integer> counts = count(c, 2000, null);
            // Weights 3 : 1 : 0.
            assertThat(counts.getOrDefault("192.0.2.10", 0) / 2000.0).isCloseTo(0.75, within(0.03));
            assertThat(counts.getOrDefault("192.0.2.20", 0) / 2000.0).isCloseTo(0.25, within(0.03));
            assertThat(counts).doesNotContainKey("192.0.2.30");
        }
    }

    @Test
    void handoffSharesFollowTheSiteStateAndItsChanges() throws Exception {
        MutableSiteState state = new MutableSiteState().shares(Map.of("east", 0.5, "west", 0.3, "asia", 0.2));
        try (DnsTestServer s = DnsTestServer.start(THREE_SITES + ZONE + """
                  gslb:
                    - {name: app.example.test, policy: [up, handoff], answers: 1}
                """, state); RawClient c = new RawClient(s.address())) {
            Map<String, Integer> counts = count(c, 2000, null);
            assertThat(counts.get("192.0.2.10") / 2000.0).isCloseTo(0.5, within(0.03));
            assertThat(counts.get("192.0.2.20") / 2000.0).isCloseTo(0.3, within(0.03));
            assertThat(counts.get("192.0.2.30") / 2000.0).isCloseTo(0.2, within(0.03));
            // The table changes (west now gets nothing): answers follow at once.
            state.shares(Map.of("east", 0.25, "west", 0.0, "asia", 0.75));
            counts = count(c, 1000, null);
            assertThat(counts.getOrDefault("192.0.2.10", 0) / 1000.0).isCloseTo(0.25, within(0.04));
            assertThat(counts.getOrDefault("192.0.2.30", 0) / 1000.0).isCloseTo(0.75, within(0.04));
            assertThat(counts).doesNotContainKey("192.0.2.20");
        }
    }

    @Test
    void upLeavesOutDownSitesAndVips() throws Exception {
        MutableSiteState state = new MutableSiteState();
        try (DnsTestServer s = DnsTestServer.start(THREE_SITES + ZONE + """
                  gslb:
                    - {name: app.example.test, policy: [up, {failover: {order: [west, east, asia]}}], answers: 4}
                """, state); RawClient c = new RawClient(s.address())) {
            assertThat(addresses(c)).containsExactly("192.0.2.20", "192.0.2.10", "192.0.2.30", "192.0.2.21");
            state.siteDown("west", true);
            assertThat(addresses(c)).containsExactly("192.0.2.10", "192.0.2.30", "192.0.2.11");
            state.vipDown("east", "192.0.2.10", true);
            assertThat(addresses(c)).containsExactly("192.0.2.30", "192.0.2.11");
            state.siteDown("west", false).vipDown("east", "192.0.2.10", false);
            assertThat(addresses(c).getFirst()).isEqualTo("192.0.2.20");
            // Everything down: answer anyway rather than with nothing.
            state.siteDown("west", true).siteDown("east", true).siteDown("asia", true);
            assertThat(addresses(c)).isNotEmpty();
        }
    }

    @Test
    void latencyAndLoadOrderTheSites() throws Exception {
        MutableSiteState state = new MutableSiteState().responseTime("east", 40).responseTime("west", 5)
                .responseTime("asia", 90).remaining("east", 500).remaining("west", 0).remaining("asia", 20);
        try (DnsTestServer s = DnsTestServer.start(THREE_SITES + ZONE + """
                  gslb:
                    - {name: fast.example.test, policy: [up, latency], answers: 3}
                    - {name: roomy.example.test, policy: [up, load], answers: 3}
                """, state); RawClient c = new RawClient(s.address())) {
            assertThat(c.ask("fast.example.test.", Type.A, null).getSection(Section.ANSWER).stream()
                    .map(Record::rdataToString)).containsExactly("192.0.2.20", "192.0.2.10", "192.0.2.30");
            assertThat(c.ask("roomy.example.test.", Type.A, null).getSection(Section.ANSWER).stream()
                    .map(Record::rdataToString)).containsExactly("192.0.2.10", "192.0.2.30", "192.0.2.20");
            state.responseTime("west", 400);
            assertThat(c.first("fast.example.test.", Type.A, null)).isEqualTo("192.0.2.10");
        }
    }

    @Test
    void stickyKeepsASubnetOnItsSite() throws Exception {
        try (DnsTestServer s = DnsTestServer.start(ZONE + """
                  gslb:
                    - {name: app.example.test, policy: [up, weighted, {sticky: {timeout: 1h}}], answers: 1}
                sites:
                  - {name: a, vips: [192.0.2.10]}
                  - {name: b, vips: [192.0.2.20]}
                """); RawClient c = new RawClient(s.address())) {
            Set<String> firstPerSubnet = new HashSet<>();
            for (int net = 0; net < 20; net++) {
                String subnet = "198.51." + net + ".0/24";
                String first = c.first("app.example.test.", Type.A, subnet);
                for (int i = 0; i < 10; i++) {
                    assertThat(c.first("app.example.test.", Type.A, subnet)).as(subnet).isEqualTo(first);
                }
                firstPerSubnet.add(first);
            }
            assertThat(firstPerSubnet).containsExactlyInAnyOrder("192.0.2.10", "192.0.2.20");
            assertThat(scope(c.ask("app.example.test.", Type.A, "198.51.0.0/24"))).isEqualTo(24);

            // A reload keeps the sticky clients (a fresh subnet first moves the rotation on by one).
            Map<String, String> before = new HashMap<>();
            for (int net = 0; net < 20; net++) {
                before.put("198.51." + net + ".0/24", c.first("app.example.test.", Type.A, "198.51." + net + ".0/24"));
            }
            s.apply(ZONE + """
                  gslb:
                    - {name: app.example.test, policy: [up, weighted, {sticky: {timeout: 2h}}], answers: 1}
                sites:
                  - {name: a, vips: [192.0.2.10]}
                  - {name: b, vips: [192.0.2.20]}
                """);
            c.first("app.example.test.", Type.A, "203.0.113.0/24");
            for (Map.Entry<String, String> e : before.entrySet()) {
                assertThat(c.first("app.example.test.", Type.A, e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void upperTierRefersToLowerNodesOverTwoSitesWithALongTtl() throws Exception {
        try (DnsTestServer s = DnsTestServer.start(THREE_SITES + ZONE + """
                  gslb:
                    - {name: svc.example.test, tier: upper, policy: [up, geo], answers: 4}
                    - {name: lower.example.test, policy: [up, geo], ttl: 30s}
                """)) {
            Message m = s.query("svc.example.test.", Type.A);
            assertThat(m.getHeader().getFlag(Flags.AA)).isFalse();
            assertThat(m.getSection(Section.ANSWER)).isEmpty();
            List<Record> ns = m.getSection(Section.AUTHORITY);
            assertThat(ns).hasSize(4).allMatch(r -> r instanceof NSRecord && r.getTTL() == 86400);
            Set<String> sites = new HashSet<>();
            for (Record r : ns) {
                sites.add(((NSRecord) r).getTarget().getLabelString(1));
            }
            assertThat(sites.size()).isGreaterThanOrEqualTo(2);
            assertThat(m.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() == Type.A)).hasSize(4);
            // Names below the delegation are referred too.
            Message below = s.query("www.svc.example.test.", Type.A);
            assertThat(below.getSection(Section.AUTHORITY)).hasSize(4);
            assertThat(below.getRcode()).isZero();
            assertThat(s.dig("svc.example.test", "A")).contains("AUTHORITY: 4").doesNotContain(" aa");
            // The lower tier answers with VIPs and a short TTL.
            assertThat(s.query("lower.example.test.", Type.A).getSection(Section.ANSWER))
                    .isNotEmpty().allMatch(r -> r.getTTL() == 30);
        }
    }

    /** A lower-tier node serves the zone the upper tier delegated to it: the GSLB name is that zone's apex. */
    private static final String APEX_ZONE = """
            dns:
              listen: ["127.0.0.1:5353"]
              zones:
                - name: app.example.test
                  records:
                    - {name: "@", type: NS, value: gns1.east.example.test.}
                    - {name: "@", type: MX, value: "10 mail.example.test."}
            """;

    @Test
    void aLowerTierRecordAtAZoneApexAnswersAddressesBesideTheZonesOwnRecords() throws Exception {
        try (DnsTestServer s = DnsTestServer.start(THREE_SITES + APEX_ZONE + """
                  gslb:
                    - {name: app.example.test, policy: [up, {failover: {order: [west, east]}}], ttl: 30s}
                """)) {
            String a = s.dig("+norec", "app.example.test", "A");
            assertThat(a).contains("status: NOERROR").contains(" aa")
                    .containsPattern("app\\.example\\.test\\.\\s+30\\s+IN\\s+A\\s+192\\.0\\.2\\.20");
            assertThat(s.dig("+short", "app.example.test", "AAAA").lines().toList()).contains("2001:db8::20");
            // The zone's SOA and NS stay at the apex; MX too; another type is NODATA with the SOA.
            assertThat(s.dig("+short", "app.example.test", "SOA")).startsWith("ns1.app.example.test. hostmaster.");
            assertThat(s.dig("+short", "app.example.test", "NS").strip()).isEqualTo("gns1.east.example.test.");
            assertThat(s.dig("+short", "app.example.test", "MX").strip()).isEqualTo("10 mail.example.test.");
            String txt = s.dig("+norec", "app.example.test", "TXT");
            assertThat(txt).contains("status: NOERROR").contains("ANSWER: 0").contains("AUTHORITY: 1")
                    .containsPattern("IN\\s+SOA\\s+ns1\\.app\\.example\\.test\\.");
            // Below the apex the zone answers as ever.
            assertThat(s.dig("+norec", "www.app.example.test", "A")).contains("status: NXDOMAIN");
        }
    }

    @Test
    void aGslbRecordCannotShareItsNameWithAddressesNorAnUpperTierTakeAZoneApex() {
        String withAddress = THREE_SITES + APEX_ZONE + "        - {name: \"@\", type: A, value: 192.0.2.99}\n" + """
                  gslb:
                    - {name: app.example.test}
                """;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DnsService.check(DnsTestServer.config(withAddress)))
                .isInstanceOfSatisfying(io.fulcrum.core.config.InvalidFieldException.class, e -> {
                    assertThat(e.field()).isEqualTo("dns.gslb[0].name");
                    assertThat(e.reason()).contains("already has A records");
                });
        String upper = THREE_SITES + APEX_ZONE + """
                  gslb:
                    - {name: app.example.test, tier: upper}
                """;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DnsService.check(DnsTestServer.config(upper)))
                .isInstanceOfSatisfying(io.fulcrum.core.config.InvalidFieldException.class, e -> {
                    assertThat(e.field()).isEqualTo("dns.gslb[0].name");
                    assertThat(e.reason()).contains("is the apex of zone app.example.test");
                });
    }

    @Test
    void aReloadSwapsTheZonesAndDropsCachedAnswers() throws Exception {
        try (DnsTestServer s = DnsTestServer.start(THREE_SITES + ZONE + """
                  gslb:
                    - {name: app.example.test, policy: [up, {failover: {order: [east, west]}}]}
                """); RawClient c = new RawClient(s.address())) {
            assertThat(c.first("app.example.test.", Type.A, null)).isEqualTo("192.0.2.10");
            s.apply(THREE_SITES + ZONE.replace("192.0.2.1}", "192.0.2.2}") + """
                  gslb:
                    - {name: app.example.test, policy: [up, {failover: {order: [west, east]}}]}
                """);
            assertThat(c.first("app.example.test.", Type.A, null)).isEqualTo("192.0.2.20");
            assertThat(c.first("www.example.test.", Type.A, null)).isEqualTo("192.0.2.2");
            // A zone file that cannot be read refuses the reload; the old zones keep answering.
            String broken = ZONE + """
                    - name: broken.test
                      file: /nonexistent/broken.zone
                """;
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.apply(broken)).isInstanceOf(Exception.class);
            assertThat(c.first("www.example.test.", Type.A, null)).isEqualTo("192.0.2.2");
        }
    }

    private static List<String> addresses(RawClient c) throws Exception {
        return c.ask("app.example.test.", Type.A, null).getSection(Section.ANSWER).stream()
                .map(Record::rdataToString).toList();
    }

    private static Map<String, Integer> count(RawClient c, int n, String subnet) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(c.first("app.example.test.", Type.A, subnet), 1, Integer::sum);
        }
        return counts;
    }
}
