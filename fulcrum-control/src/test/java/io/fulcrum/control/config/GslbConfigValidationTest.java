package io.fulcrum.control.config;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.gslb.GslbConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.fulcrum.control.config.ConfigTestSupport.errorsOf;
import static io.fulcrum.control.config.ConfigTestSupport.lineOf;
import static io.fulcrum.control.config.ConfigTestSupport.onlyError;
import static io.fulcrum.control.config.ConfigTestSupport.with;
import static org.assertj.core.api.Assertions.assertThat;

/** Binding and validation of the {@code gslb:} section. */
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
            gslb:
              site: paris
              bind: 0.0.0.0:4790
              handoffWeights: [6, 4, 2, 1]
              checks:
                interval: 2s
                fall: 3
              redirect:
                enabled: true
                status: 302
              sites:
                - name: paris
                  region: eu
                  coordinates: "48.85,2.35"
                  vips:
                    - address: 10.0.1.1:80
                      listener: web
                - name: tokyo
                  region: ap
                  redirectTo: https://tokyo.example.com
                  vips:
                    - address: 10.0.2.1:80
                      check: tcp
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
        assertThat(g.checks().interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(g.checks().rise()).isEqualTo(2);
        assertThat(g.redirect().status()).isEqualTo(302);
        assertThat(g.siteNamed("tokyo").redirectBase()).isEqualTo("https://tokyo.example.com");
        assertThat(g.siteNamed("paris").redirectBase()).isEqualTo("http://10.0.1.1:80");
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
                "gslb.handoffWeights[1]", "gslb.redirect.status", "gslb.checks.fall");
        assertThat(errors).allSatisfy(err -> assertThat(err.line()).isPositive());
    }

    @Test
    void vipProblemsNameTheirFields() {
        assertThat(onlyError(with(GOOD, "check: tcp", "check: icmp")).path())
                .isEqualTo("gslb.sites[1].vips[0].check");
        assertThat(onlyError(with(GOOD, "listener: web", "listener: api")).path())
                .isEqualTo("gslb.sites[0].vips[0].listener");
        assertThat(onlyError(with(GOOD, "\"48.85,2.35\"", "\"north\"")).path())
                .isEqualTo("gslb.sites[0].coordinates");
        assertThat(onlyError(with(GOOD, "address: 10.0.2.1:80", "address: 10.0.2.1")).path())
                .isEqualTo("gslb.sites[1].vips[0].address");
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
    void unknownKeysInTheSectionAreRefused() {
        ConfigError e = onlyError(with(GOOD, "handoffWeights:", "handofWeights:"));
        assertThat(e.path()).isEqualTo("gslb.handofWeights");
    }
}
