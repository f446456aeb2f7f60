package io.fulcrum.control.config;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.dns.GslbRecordConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code dns:} section: binding, defaults, and errors that name the field and its line. */
class DnsConfigValidationTest {

    private static final String BASE = """
            listeners: [{name: l, bind: "127.0.0.1:8080", routes: [{name: r, pool: p}]}]
            pools: [{name: p, backends: [{address: "127.0.0.1:9000"}]}]
            """;

    private static List<ConfigError> errors(String dns) {
        try {
            ConfigLoader.parse(BASE + dns, "t.yaml");
        } catch (ConfigException e) {
            return e.errors();
        }
        throw new AssertionError("accepted:\n" + dns);
    }

    @Test
    void aValidSectionBindsWithDefaults() throws Exception {
        FulcrumConfig c = ConfigLoader.parse(BASE + """
                dns:
                  listen: ["127.0.0.1:5300"]
                  zones:
                    - name: example.test
                      records:
                        - {name: www, type: A, values: [192.0.2.1, 192.0.2.2]}
                        - {name: "@", type: MX, value: "10 mail.example.test."}
                  gslb:
                    - {name: app.example.test}
                sites:
                  - {name: east, region: ARIN, vips: [192.0.2.10]}
                """, "t.yaml");
        assertThat(c.dns().enabled()).isTrue();
        assertThat(c.dns().threads()).isEqualTo(1);
        assertThat(c.dns().udpPayloadSize()).isEqualTo(1232);
        assertThat(c.dns().warmUp()).isEqualTo(Duration.ofSeconds(2));
        GslbRecordConfig g = c.dns().gslb().getFirst();
        assertThat(g.policy()).extracting(io.fulcrum.core.extension.ExtensionConfig::name)
                .containsExactly("up", "geo", "weighted");
        assertThat(g.ttl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(g.answers()).isEqualTo(2);
        assertThat(c.dns().zones().getFirst().ttl()).isEqualTo(Duration.ofSeconds(60));
        // Without the section DNS is off.
        assertThat(ConfigLoader.parse(BASE, "t.yaml").dns().enabled()).isFalse();
    }

    @Test
    void badValuesAreNamedByPathAndLine() {
        List<ConfigError> e = errors("""
                dns:
                  listen: ["127.0.0.1:8080"]
                  threads: 0
                  warmUp: 61s
                  zones:
                    - name: example.test
                      records:
                        - {name: www, type: A, value: 300.1.1.1}
                        - {name: www, type: SOA, value: x}
                        - {name: mx, type: MX, value: "mail.example.test."}
                        - {name: www.other.test., type: A, value: 192.0.2.1}
                  gslb:
                    - {name: app.other.test, policy: [up, nearest], sites: [west]}
                sites:
                  - {name: east, region: MARS, vips: [192.0.2.10]}
                """);
        assertThat(e).extracting(ConfigError::path).contains(
                "dns.listen[0]", "dns.threads", "dns.warmUp", "dns.zones[0].records[0].value", "dns.zones[0].records[1].type",
                "dns.zones[0].records[2].value", "dns.zones[0].records[3].name", "sites[0].region",
                "dns.gslb[0].name", "dns.gslb[0].policy[1]", "dns.gslb[0].sites[0]");
        ConfigError ip = e.stream().filter(x -> x.path().equals("dns.zones[0].records[0].value")).findFirst()
                .orElseThrow();
        assertThat(ip.line()).isEqualTo(10);
        assertThat(ip.message()).contains("not an IPv4 address");
        assertThat(e.stream().filter(x -> x.path().equals("dns.listen[0]")).findFirst().orElseThrow().message())
                .contains("proxy listener");
    }

    @Test
    void policyStepSettingsAreNestedUnderTheStepAndCheckedThere() {
        String dns = """
                dns:
                  listen: ["127.0.0.1:5300"]
                  zones:
                    - name: example.test
                      records:
                        - {name: "@", type: NS, value: ns1.example.test.}
                  gslb:
                    - name: app.example.test
                      policy:
                        - up
                        - failover: {order: [west, nowhere]}
                        - sticky: {timeout: 0s}
                        - weighted: {share: 1}
                sites:
                  - {name: east, vips: [192.0.2.1]}
                  - {name: west, vips: [192.0.2.2]}
                """;
        List<ConfigError> e = errors(dns);
        String yaml = BASE + dns;
        assertThat(e).extracting(ConfigError::path, ConfigError::line).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("dns.gslb[0].policy[1].failover.order[1]",
                        ConfigTestSupport.lineOf(yaml, "nowhere")),
                org.assertj.core.groups.Tuple.tuple("dns.gslb[0].policy[2].sticky.timeout",
                        ConfigTestSupport.lineOf(yaml, "timeout: 0s")),
                org.assertj.core.groups.Tuple.tuple("dns.gslb[0].policy[3].weighted.share",
                        ConfigTestSupport.lineOf(yaml, "share: 1")));
        assertThat(e.stream().filter(x -> x.path().endsWith("order[1]")).findFirst().orElseThrow().message())
                .isEqualTo("site \"nowhere\" is not one of this record's sites");
    }

    @Test
    void unknownKeysAreRefused() {
        assertThatThrownBy(() -> ConfigLoader.parse(BASE + """
                dns:
                  listen: ["127.0.0.1:5300"]
                  zone: []
                """, "t.yaml")).isInstanceOf(ConfigException.class).hasMessageContaining("dns.zone");
    }

    @Test
    void upperTierNeedsNodes() {
        List<ConfigError> e = errors("""
                dns:
                  listen: ["127.0.0.1:5300"]
                  zones: [{name: example.test}]
                  gslb: [{name: svc.example.test, tier: upper}]
                sites: [{name: a, vips: [192.0.2.1]}]
                """);
        assertThat(e).extracting(ConfigError::path).contains("dns.gslb[0].tier");
    }

    @Test
    void aRecordOfAnUnknownSiteIsRefusedAtItsLineAndColumn() {
        String dns = """
                dns:
                  listen: ["127.0.0.1:5300"]
                  zones: [{name: example.test}]
                  gslb:
                    - name: app.example.test
                      sites: [east, wets]
                sites:
                  - {name: east, vips: [192.0.2.1]}
                  - {name: west, vips: [192.0.2.2]}
                """;
        String yaml = BASE + dns;
        ConfigError e = ConfigTestSupport.onlyError(yaml);
        assertThat(e.path()).isEqualTo("dns.gslb[0].sites[1]");
        assertThat(e.line()).isEqualTo(ConfigTestSupport.lineOf(yaml, "[east, wets]"));
        assertThat(e.column()).isEqualTo(yaml.lines().filter(l -> l.contains("wets")).findFirst().orElseThrow()
                .indexOf("wets") + 1);
        assertThat(e.message()).contains("no site named \"wets\" in sites").contains("west");
    }

    @Test
    void aSiteListStillUnderDnsIsRefusedSayingItMovedToTopLevelSites() {
        String dns = """
                dns:
                  listen: ["127.0.0.1:5300"]
                  zones: [{name: example.test}]
                  sites:
                    - {name: east, vips: [192.0.2.1]}
                """;
        String yaml = BASE + dns;
        ConfigError e = ConfigTestSupport.onlyError(yaml);
        assertThat(e.path()).isEqualTo("dns.sites");
        assertThat(e.line()).isEqualTo(ConfigTestSupport.lineOf(yaml, "  sites:"));
        assertThat(e.column()).isEqualTo(3);
        assertThat(e.message()).contains("moved to the top-level sites: list");
    }

    @Test
    void aSiteADnsRecordAnswersFromNeedsIpVipsWhileGslbAloneMayNameThemByHost() throws Exception {
        String dns = """
                dns:
                  listen: ["127.0.0.1:5300"]
                  zones: [{name: example.test}]
                  gslb:
                    - {name: app.example.test, sites: [east]}
                sites:
                  - {name: east, vips: [192.0.2.1:80, "vip.example.test:80"]}
                  - {name: west, vips: [vip.west.test:443]}
                """;
        String yaml = BASE + dns;
        ConfigError e = ConfigTestSupport.onlyError(yaml);
        assertThat(e.path()).isEqualTo("sites[0].vips[1].address");
        assertThat(e.line()).isEqualTo(ConfigTestSupport.lineOf(yaml, "vip.example.test:80"));
        assertThat(e.message()).contains("must be an IP address");
    }
}
