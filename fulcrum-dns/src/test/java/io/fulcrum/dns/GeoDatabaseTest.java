package io.fulcrum.dns;

import io.fulcrum.dns.geo.CountryDatabase;
import io.fulcrum.dns.geo.Location;
import io.fulcrum.dns.testing.DnsTestServer;
import io.fulcrum.dns.testing.GeoDatabaseFixture;
import io.fulcrum.dns.testing.RawClient;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Geo answers follow the ECS subnet's country in a real {@code .mmdb} database. */
class GeoDatabaseTest {

    private static String country(CountryDatabase db, String address) {
        return Location.country(Location.classOf(db.locate(InetAddress.ofLiteral(address))));
    }

    @Test
    void answersFollowTheSubnetsCountry() throws Exception {
        Path mmdb = GeoDatabaseFixture.database();
        try (CountryDatabase db = CountryDatabase.open(mmdb.toString())) {
            // The database itself, as the precondition of what follows.
            assertThat(country(db, "8.8.8.8")).isEqualTo("US");
            assertThat(country(db, "193.99.144.80")).isEqualTo("DE");
            assertThat(country(db, "133.11.0.1")).isEqualTo("JP");
            assertThat(country(db, "81.2.69.142")).isEqualTo("GB");
        }
        try (DnsTestServer s = DnsTestServer.start("""
                sites:
                  - {name: us, region: ARIN, countries: [US], vips: [192.0.2.10]}
                  - {name: de, region: RIPE, countries: [DE], vips: [192.0.2.20]}
                  - {name: jp, region: APNIC, countries: [JP], vips: [192.0.2.30]}
                dns:
                  listen: ["127.0.0.1:5353"]
                  geoDatabase: %s
                  zones:
                    - name: example.test
                      records: [{name: www, type: A, value: 192.0.2.1}]
                  gslb:
                    - {name: app.example.test, policy: [up, geo], answers: 3}
                """.formatted(mmdb)); RawClient c = new RawClient(s.address())) {
            assertThat(c.first("app.example.test.", Type.A, "8.8.8.0/24")).isEqualTo("192.0.2.10");
            assertThat(c.first("app.example.test.", Type.A, "193.99.144.0/24")).isEqualTo("192.0.2.20");
            assertThat(c.first("app.example.test.", Type.A, "133.11.0.0/24")).isEqualTo("192.0.2.30");
            // A country no site lists goes to a site of its region (Great Britain: RIPE).
            assertThat(c.first("app.example.test.", Type.A, "81.2.69.0/24")).isEqualTo("192.0.2.20");
            // The scope is at most the source prefix.
            Message m = c.ask("app.example.test.", Type.A, "193.99.144.0/24");
            int scope = -1;
            for (EDNSOption o : m.getOPT().getOptions()) {
                if (o instanceof ClientSubnetOption ecs) {
                    scope = ecs.getScopePrefixLength();
                }
            }
            assertThat(scope).isBetween(1, 24);
        }
    }
}
