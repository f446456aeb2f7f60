package io.fulcrum.control.config;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.gslb.GslbConfig;
import io.fulcrum.core.config.site.VipConfig;
import io.fulcrum.core.config.health.BuiltInCheckTypes;
import io.fulcrum.core.config.health.HealthCheckConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.fulcrum.control.config.ConfigTestSupport.errorsOf;
import static io.fulcrum.control.config.ConfigTestSupport.lineOf;
import static io.fulcrum.control.config.ConfigTestSupport.onlyError;
import static io.fulcrum.control.config.ConfigTestSupport.with;
import static org.assertj.core.api.Assertions.assertThat;

/** Binding and validation of the {@code gslb:} section and the top-level {@code sites:} it names sites from. */
class GslbConfigValidationTest {

    private static final String GOOD = """
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                routes:
                  - name: all
                    pool: app
            pools:
              - name: app
                backends:
                  - address: 127.0.0.1:9000
            sites:
              - name: paris
                region: RIPE
                location: "48.85,2.35"
                vips:
                  - address: 10.0.1.1:80
                    listener: web
              - name: tokyo
                region: APNIC
                redirectTo: https://tokyo.example.com
                vips:
                  - address: 10.0.2.1:80
                    check:
                      type:
                        dns:
                          query: www.tokyo.example.com
                          expect: 10.0.2.1
                      port: 53
                      fall: 3
            gslb:
              site: paris
              bind: 0.0.0.0:4790
              handoffWeights: [6, 4, 2, 1]
              checks:
                halfLife: 10s
              redirect:
                enabled: true
                status: 302
              peers:
                - site: tokyo
                  address: 10.0.2.1:4790
                  interval: 5s
                  secret: paris-tokyo-shared-secret
            """;

    @Test
    void aGoodSectionBindsWithItsDefaults() throws Exception {
        FulcrumConfig c = ConfigLoader.parse(GOOD, ConfigTestSupport.SOURCE);
        GslbConfig g = c.gslb();
        assertThat(g.enabled()).isTrue();
        assertThat(g.site()).isEqualTo("paris");
        assertThat(g.handoffWeights()).containsExactly(6, 4, 2, 1);
        assertThat(g.checks().halfLife()).isEqualTo(Duration.ofSeconds(10));
        // A VIP's check is a pool's check: any type, its own rise and fall.
        HealthCheckConfig tokyo = c.site("tokyo").vips().getFirst().check();
        assertThat(tokyo.type().name()).isEqualTo("dns");
        assertThat(tokyo.type().settings()).isEqualTo(
                new BuiltInCheckTypes.DnsSettings("www.tokyo.example.com", null, "10.0.2.1"));
        assertThat(tokyo.port()).isEqualTo(53);
        assertThat(tokyo.fall()).isEqualTo(3);
        assertThat(tokyo.rise()).isEqualTo(2);
        // Named no check: GET / passing on a 2xx only.
        assertThat(c.site("paris").vips().getFirst().check()).isEqualTo(VipConfig.DEFAULT_CHECK);
        assertThat(((BuiltInCheckTypes.HttpSettings) VipConfig.DEFAULT_CHECK.type().settings()).expectStatus())
                .isEqualTo("200-299");
        assertThat(g.redirect().status()).isEqualTo(302);
        assertThat(c.site("tokyo").redirectBase()).isEqualTo("https://tokyo.example.com");
        assertThat(c.site("paris").redirectBase()).isEqualTo("http://10.0.1.1:80");
        assertThat(g.peers().getFirst().keyId()).isEqualTo("tokyo");
        assertThat(g.peers().getFirst().toString()).doesNotContain("paris-tokyo-shared-secret");
    }

    @Test
    void noSectionMeansGslbOff() throws Exception {
        String plain = GOOD.substring(0, GOOD.indexOf("gslb:"));
        assertThat(ConfigLoader.parse(plain, ConfigTestSupport.SOURCE).gslb().enabled()).isFalse();
    }

    @Test
    void anUnknownOwnSiteIsRefusedAtItsLine() {
        String yaml = with(GOOD, "site: paris", "site: pariss");
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("gslb.site");
        assertThat(e.line()).isEqualTo(lineOf(yaml, "site: pariss"));
        assertThat(e.message()).contains("did you mean").contains("paris");
    }

    @Test
    void peerProblemsNameTheirFields() {
        String yaml = with(GOOD, "site: tokyo\n      address", "site: osaka\n      address");
        assertThat(onlyError(yaml).path()).isEqualTo("gslb.peers[0].site");

        yaml = with(GOOD, "secret: paris-tokyo-shared-secret", "secret: short");
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("gslb.peers[0].secret");
        assertThat(e.line()).isEqualTo(lineOf(yaml, "secret: short"));
        assertThat(e.message()).doesNotContain("short").contains("at least 16");

        yaml = with(GOOD, "secret: paris-tokyo-shared-secret", "secretFile: /does/not/exist");
        assertThat(onlyError(yaml).path()).isEqualTo("gslb.peers[0].secretFile");

        yaml = with(GOOD, "interval: 5s", "interval: -5s");
        assertThat(onlyError(yaml).path()).isEqualTo("gslb.peers[0].interval");
    }

    @Test
    void weightsStatusAndChecksAreRangeChecked() {
        List<ConfigError> errors = errorsOf(with(with(with(GOOD, "[6, 4, 2, 1]", "[6, 65, 2, 1]"),
                "status: 302", "status: 301"), "fall: 3", "fall: 0"));
        assertThat(errors).extracting(ConfigError::path).containsExactlyInAnyOrder(
                "gslb.handoffWeights[1]", "gslb.redirect.status", "sites[1].vips[0].check.fall");
        assertThat(errors).allSatisfy(err -> assertThat(err.line()).isPositive());
    }

    @Test
    void vipProblemsNameTheirFields() {
        ConfigError type = onlyError(with(GOOD, "  dns:\n", "  dnss:\n"));
        assertThat(type.path()).isEqualTo("sites[1].vips[0].check.type");
        assertThat(type.message()).contains("did you mean").contains("dns");
        assertThat(onlyError(with(GOOD, "query: www.tokyo.example.com", "recordType: A")).path())
                .isEqualTo("sites[1].vips[0].check.type.dns.query");
        assertThat(onlyError(withParisCheck("{type: {http: {path: health}}}")).path())
                .isEqualTo("sites[0].vips[0].check.type.http.path");
        assertThat(onlyError(with(GOOD, "listener: web", "listener: api")).path())
                .isEqualTo("sites[0].vips[0].listener");
        assertThat(onlyError(with(GOOD, "\"48.85,2.35\"", "\"north\"")).path())
                .isEqualTo("sites[0].location");
        assertThat(onlyError(with(GOOD, "address: 10.0.2.1:80", "address: 10.0.2.1:99999")).path())
                .isEqualTo("sites[1].vips[0].address");
    }

    @Test
    void aVipTakesEveryCheckTypeAPoolTakes() throws Exception {
        Map<String, String> checks = Map.of("tcp", "{type: tcp}", "http", "{type: {http: {expectBody: ok}}}",
                "https", "{type: {https: {verify: true}}}", "tls", "{type: tls}",
                "dns", "{type: {dns: {query: www.tokyo.example.com}}}", "icmp", "{type: icmp}",
                "udp", "{type: {udp: {send: ping, expect: pong}}}");
        for (Map.Entry<String, String> check : checks.entrySet()) {
            String yaml = withParisCheck(check.getValue());
            assertThat(ConfigLoader.parse(yaml, ConfigTestSupport.SOURCE).site("paris").vips().getFirst()
                    .check().type().name()).isEqualTo(check.getKey());
        }
    }

    /** GOOD with this check (YAML) on paris's VIP. */
    private static String withParisCheck(String check) {
        return with(GOOD, "address: 10.0.1.1:80\n", "address: 10.0.1.1:80\n        check: " + check + "\n");
    }

    @Test
    void theFormerOneWordCheckIsRefusedWithTheFieldsItTakes() {
        ConfigError e = onlyError(withParisCheck("http"));
        assertThat(e.path()).isEqualTo("sites[0].vips[0].check");
        assertThat(e.message()).contains("expected a mapping").contains("type").contains("interval").contains("fall");
    }

    @Test
    void serverSiteAndGslbSiteAreOneSetting() throws Exception {
        // Left out, server.site is the gslb section's site: no second, made-up "local" site.
        assertThat(ConfigLoader.parse(GOOD, ConfigTestSupport.SOURCE).server().site()).isEqualTo("paris");
        assertThat(ConfigLoader.parse("server:\n  site: paris\n" + GOOD, ConfigTestSupport.SOURCE).server().site())
                .isEqualTo("paris");
        // Two different names for this node's site are refused, at gslb.site's line.
        for (String other : List.of("lyon", "local")) {
            String yaml = "server:\n  site: " + other + "\n" + GOOD;
            ConfigError e = onlyError(yaml);
            assertThat(e.path()).isEqualTo("gslb.site");
            assertThat(e.line()).isEqualTo(lineOf(yaml, "site: paris"));
            assertThat(e.message()).contains("\"" + other + "\"").contains("server.site").contains("\"paris\"");
        }
    }

    @Test
    void aSiteListStillUnderGslbIsRefusedSayingItMovedToTopLevelSites() {
        String yaml = GOOD.replace("gslb:\n  site: paris\n", "gslb:\n  site: paris\n  sites:\n    - name: paris\n");
        // One error: the section's own checks (its site is not in the list...) follow from the old layout.
        ConfigError moved = onlyError(yaml.replace("sites:\n  - name: paris", "sites:\n  - name: lyon"));
        assertThat(moved.path()).isEqualTo("gslb.sites");
        assertThat(moved.line()).isEqualTo(lineOf(yaml, "  sites:"));
        assertThat(moved.column()).isEqualTo(3);
        assertThat(moved.message()).contains("moved to the top-level sites: list");
    }

    @Test
    void aPeerOfAnUnknownSiteIsRefusedAtItsLineWithTheNameItMeant() {
        String yaml = with(GOOD, "site: tokyo\n", "site: tokio\n");
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("gslb.peers[0].site");
        assertThat(e.line()).isEqualTo(lineOf(yaml, "site: tokio"));
        assertThat(e.column()).isEqualTo(lineText(yaml, "site: tokio").indexOf("tokio") + 1);
        assertThat(e.message()).contains("no site named \"tokio\" in sites").contains("tokyo");
    }

    private static String lineText(String yaml, String needle) {
        return yaml.lines().filter(l -> l.contains(needle)).findFirst().orElseThrow();
    }

    @Test
    void unknownKeysInTheSectionAreRefused() {
        ConfigError e = onlyError(with(GOOD, "handoffWeights:", "handofWeights:"));
        assertThat(e.path()).isEqualTo("gslb.handofWeights");
    }

    @Test
    void memberVipsNeedACluster() throws Exception {
        String yaml = with(GOOD, "redirectTo: https://tokyo.example.com", "memberVips: true");
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("sites[1].memberVips");
        assertThat(e.line()).isEqualTo(lineOf(yaml, "memberVips: true"));
        assertThat(e.message()).contains("needs a cluster section");
        String clustered = yaml + """
                cluster:
                  nodeId: n1
                  etcd: {endpoints: ["http://127.0.0.1:2379"]}
                """;
        assertThat(ConfigLoader.parse(clustered, ConfigTestSupport.SOURCE).site("tokyo").memberVips()).isTrue();
    }
}
