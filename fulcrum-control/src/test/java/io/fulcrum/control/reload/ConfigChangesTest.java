package io.fulcrum.control.reload;

import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.config.FulcrumConfig;
import org.junit.jupiter.api.Test;

import static io.fulcrum.control.reload.ConfigReloaderTest.ADMIN;
import static io.fulcrum.control.reload.ConfigReloaderTest.backend;
import static io.fulcrum.control.reload.ConfigReloaderTest.yaml;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link ConfigChanges}: what a reload reports as changed. */
class ConfigChangesTest {

    private static FulcrumConfig parse(String yaml) throws Exception {
        return ConfigLoader.parse(yaml, "test.yaml");
    }

    @Test
    void identicalConfigurationsHaveNoChanges() throws Exception {
        String y = yaml(ADMIN, backend("a", 1));
        ConfigChanges c = ConfigChanges.between(parse(y), parse(y));
        assertThat(c.isEmpty()).isTrue();
        assertThat(c.summary()).isEqualTo("no changes");
    }

    @Test
    void namesEveryKindOfChange() throws Exception {
        FulcrumConfig before = parse(yaml(ADMIN, backend("a", 1) + backend("b", 2) + backend("d", 1)));
        FulcrumConfig after = parse(yaml("", backend("b", 5) + backend("c", 1)
                + backend("d", 1).replace("weight: 1", "weight: 1\n        maxConnections: 10"))
                .replace("bind: 127.0.0.1:8080", "bind: 127.0.0.1:9090")
                .replace("    backends:", "    algorithm: least-connections\n    backends:"));

        ConfigChanges c = ConfigChanges.between(before, after);

        assertThat(c.section("listeners").changes())
                .containsExactly("listeners removed [admin]", "listeners[web].bind 127.0.0.1:8080->127.0.0.1:9090");
        assertThat(c.section("pools").changes()).containsExactly(
                "pools[app].algorithm.name changed",
                "pools[app].backends added [c]",
                "pools[app].backends removed [a]",
                "pools[app].backends[b].weight 2->5",
                "pools[app].backends[d].maxConnections 0->10");
        assertThat(c.sections()).extracting(ConfigChanges.Section::name).containsExactly("listeners", "pools");
    }

    /** Today's bug: a pool's connection settings compared through a constructor that drops them. */
    @Test
    void aPoolsProtocolProxyHeaderAndTlsAreChanges() throws Exception {
        String base = yaml("", backend("a", 1));
        FulcrumConfig before = parse(base);
        FulcrumConfig after = parse(base.replace("    backends:",
                "    protocol: h2c\n    proxyProtocol: v1\n    backends:"));

        ConfigChanges c = ConfigChanges.between(before, after);

        assertThat(c.isEmpty()).isFalse();
        assertThat(c.section("pools").changes())
                .containsExactly("pools[app].protocol changed", "pools[app].proxyProtocol changed");
    }

    /** Sections today's diff never looked at: DNS, virtual services, L4 timeouts, admin. */
    @Test
    void everySectionOfTheConfigurationIsCompared() throws Exception {
        String base = yaml("", backend("a", 1)) + """
                l4Timeouts:
                  idle: 60s
                virtualServices:
                  - name: vs
                    vips: [127.0.0.1]
                    listeners:
                      - port: 7000
                        pool: app
                dns:
                  listen: ["127.0.0.1:5353"]
                  zones:
                    - name: example.com
                      soa: {mname: ns1.example.com., rname: hostmaster@example.com}
                      records:
                        - {name: www, type: A, value: 192.0.2.10}
                admin:
                  bind: 127.0.0.1:9900
                """;
        FulcrumConfig before = parse(base);
        FulcrumConfig after = parse(base.replace("idle: 60s", "idle: 5s").replace("192.0.2.10", "192.0.2.99")
                .replace("vips: [127.0.0.1]", "vips: [127.0.0.1, 127.0.0.2]")
                .replace("      - port: 7000\n", "      - port: 7000\n        pool: app\n      - port: 7001\n")
                .replace("bind: 127.0.0.1:9900", "bind: 127.0.0.1:9901"));

        ConfigChanges c = ConfigChanges.between(before, after);

        assertThat(c.sections()).extracting(ConfigChanges.Section::name)
                .containsExactly("l4Timeouts", "virtualServices", "dns", "admin");
        assertThat(c.section("l4Timeouts").changes()).containsExactly("l4Timeouts.idle 1m->5s");
        assertThat(c.section("virtualServices").changes()).containsExactly(
                "virtualServices[vs].vips added [127.0.0.2]", "virtualServices[vs].listeners added [tcp/7001]");
        assertThat(c.section("dns").summary()).contains("dns.zones[example.com].records");
        assertThat(c.section("admin").changes()).containsExactly("admin.bind 127.0.0.1:9900->127.0.0.1:9901");
    }

    @Test
    void aFieldReadOnlyAtStartIsNamedAsNeedingARestart() throws Exception {
        String base = yaml("", backend("a", 1));
        FulcrumConfig before = parse(base);
        FulcrumConfig after = parse("server:\n  eventLoopThreads: 3\n  transport: nio\n  shutdownGrace: 2s\n" + base);

        ConfigChanges c = ConfigChanges.between(before, after);

        assertThat(c.section("server").changes()).containsExactly("server.shutdownGrace 10s->2s");
        assertThat(c.restartRequired()).containsExactly("server.eventLoopThreads", "server.transport");
        assertThat(c.summary()).isEqualTo(
                "server.shutdownGrace 10s->2s, needs a restart: server.eventLoopThreads, server.transport");
        FulcrumConfig effective = RestartRequiredFields.keep(before, after);
        assertThat(effective.server().eventLoopThreads()).isEqualTo(before.server().eventLoopThreads());
        assertThat(effective.server().transport()).isEqualTo(before.server().transport());
        assertThat(effective.server().shutdownGrace()).isEqualTo(after.server().shutdownGrace());
        assertThat(effective.pools()).isEqualTo(after.pools());
    }

    @Test
    void theProxyTiersPolicyIsLiveWhileTheRestOfTheClusterSectionNeedsARestart() throws Exception {
        String base = yaml("", backend("a", 1)) + """
                controller: {enabled: true}
                cluster:
                  nodeId: edge1
                  drainTimeout: 30s
                  etcd: {endpoints: ["http://127.0.0.1:2379"], prefix: /f}
                  proxyTier:
                    autoscale:
                      provisioner: {test-process: {command: "start-node {generation}"}}
                      target: 5
                      max: 2
                """;
        FulcrumConfig before = parse(base);
        FulcrumConfig after = parse(base.replace("max: 2", "max: 3").replace("drainTimeout: 30s", "drainTimeout: 5s"));

        ConfigChanges c = ConfigChanges.between(before, after);

        assertThat(c.restartRequired()).containsExactly("cluster.drainTimeout");
        FulcrumConfig effective = RestartRequiredFields.keep(before, after);
        assertThat(effective.cluster().proxyTier().autoscale().max()).isEqualTo(3);
        assertThat(effective.cluster().drainTimeout()).isEqualTo(before.cluster().drainTimeout());
    }
}
