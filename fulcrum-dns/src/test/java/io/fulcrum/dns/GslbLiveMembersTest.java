package io.fulcrum.dns;

import io.fulcrum.core.cluster.LiveMembers;
import io.fulcrum.dns.testing.DnsTestServer;
import io.fulcrum.dns.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GSLB answers over real UDP follow the cluster's live members: a VIP whose proxy is not
 * live leaves the lower-tier answers, a lower-tier node that is not live leaves the
 * referrals, and both come back when the member does (cached answers are rebuilt on the
 * membership's new version).
 */
class GslbLiveMembersTest {

    private static final String DNS = """
            sites:
              - {name: east, vips: [192.0.2.10, 192.0.2.11], weight: 1,
                 nodes: [{name: gns1.east.example.test., address: 198.51.100.1},
                         {name: gns2.east.example.test., address: 198.51.100.2}]}
              - {name: west, vips: [192.0.2.20], weight: 1,
                 nodes: [{name: gns1.west.example.test., address: 198.51.100.3}]}
            dns:
              listen: ["127.0.0.1:5353"]
              zones:
                - name: example.test
                  records:
                    - {name: www, type: A, value: 192.0.2.1}
              gslb:
                - {name: app.example.test, policy: [weighted], answers: 3, ttl: 5s}
                - {name: global.example.test, tier: upper, policy: [weighted], answers: 3}
            """;

    /** Live members as a test sets them: site|address keys, dead ones listed. */
    static final class Members implements LiveMembers {
        final Set<String> dead = ConcurrentHashMap.newKeySet();
        final AtomicLong version = new AtomicLong();

        void kill(String site, String ip) {
            dead.add(key(site, ip));
            version.incrementAndGet();
        }

        void revive(String site, String ip) {
            dead.remove(key(site, ip));
            version.incrementAndGet();
        }

        private static String key(String site, String ip) {
            try {
                return site + "|" + Arrays.toString(InetAddress.getByName(ip).getAddress());
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException(e);
            }
        }

        @Override
        public boolean proxyLive(String site, byte[] address) {
            return !dead.contains(site + "|" + Arrays.toString(address));
        }

        @Override
        public boolean dnsNodeLive(String site, byte[] address) {
            return !dead.contains(site + "|" + Arrays.toString(address));
        }

        @Override
        public long version() {
            return version.get();
        }
    }

    @Test
    void answersAndReferralsListOnlyLiveMembers() throws Exception {
        Members members = new Members();
        try (DnsTestServer s = DnsTestServer.start(DNS); RawClient c = new RawClient(s.address())) {
            s.service().liveMembers(members);
            assertThat(answers(c)).containsExactlyInAnyOrder("192.0.2.10", "192.0.2.11", "192.0.2.20");
            assertThat(glue(c)).containsExactlyInAnyOrder("198.51.100.1", "198.51.100.2", "198.51.100.3");

            members.kill("east", "192.0.2.11");
            members.kill("east", "198.51.100.2");
            for (int i = 0; i < 4; i++) { // every place in the rotation
                assertThat(answers(c)).containsExactlyInAnyOrder("192.0.2.10", "192.0.2.20");
                assertThat(glue(c)).containsExactlyInAnyOrder("198.51.100.1", "198.51.100.3");
            }

            // A site with no live proxy takes no part: west answers alone.
            members.kill("east", "192.0.2.10");
            assertThat(answers(c)).containsExactly("192.0.2.20");

            members.revive("east", "192.0.2.10");
            members.revive("east", "192.0.2.11");
            members.revive("east", "198.51.100.2");
            assertThat(answers(c)).containsExactlyInAnyOrder("192.0.2.10", "192.0.2.11", "192.0.2.20");
            assertThat(glue(c)).containsExactlyInAnyOrder("198.51.100.1", "198.51.100.2", "198.51.100.3");

            // The same address at another site is another member: killing it there changes nothing here.
            members.kill("west", "192.0.2.10");
            assertThat(answers(c)).contains("192.0.2.10");
        }
    }

    private static List<String> answers(RawClient c) throws Exception {
        Message m = c.ask("app.example.test.", Type.A, null);
        return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
    }

    private static List<String> glue(RawClient c) throws Exception {
        Message m = c.ask("x.global.example.test.", Type.A, null);
        return m.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() == Type.A)
                .map(Record::rdataToString).toList();
    }
}
