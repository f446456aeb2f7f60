package io.fulcrum.control.config;

import io.fulcrum.core.config.scale.ProxyTierAutoscaleConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.fulcrum.control.config.ConfigTestSupport.SOURCE;
import static io.fulcrum.control.config.ConfigTestSupport.lineOf;
import static io.fulcrum.control.config.ConfigTestSupport.onlyError;
import static io.fulcrum.control.config.ConfigTestSupport.warningsOf;
import static io.fulcrum.control.config.ConfigTestSupport.with;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code cluster.proxyTier.autoscale}: binding with defaults, and each mistake named by its field and line. */
class ProxyTierConfigValidationTest {

    private static final String YAML = """
            listeners:
              - name: front
                bind: 127.0.0.1:8080
                routes:
                  - name: all
                    pool: web
            pools:
              - name: web
                backends: [{address: "127.0.0.1:9000"}]
            cluster:
              nodeId: n1
              roles: [proxy, controller]
              etcd: {endpoints: ["http://127.0.0.1:2379"]}
              proxyTier:
                autoscale:
                  provisioner:
                    test-process:
                      command: start-node {generation}
                  metric: connectionsPerNode
                  target: 100
                  max: 4
                  cooldown: 30s
                  stabilization:
                    down: 1m
                  drainTimeout: 2m
            controller:
              enabled: true
            """;

    @Test
    void aPolicyBindsWithDefaults() throws Exception {
        ProxyTierAutoscaleConfig a = ConfigLoader.parse(YAML, SOURCE).cluster().proxyTier().autoscale();
        assertThat(a.provisioner().name()).isEqualTo("test-process");
        assertThat(a.metric()).isEqualTo("connectionsPerNode");
        assertThat(a.target()).isEqualTo(100.0);
        assertThat(a.policy().min()).isEqualTo(1);
        assertThat(a.policy().step()).isEqualTo(1);
        assertThat(a.policy().stabilization().down()).isEqualTo(Duration.ofMinutes(1));
        assertThat(a.policy().drainTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(a.startTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(a.policy().dryRun()).isFalse();
        assertThat(warningsOf(YAML)).isEmpty();
        String noMetric = with(YAML, "      metric: connectionsPerNode\n", "");
        assertThat(ConfigLoader.parse(noMetric, SOURCE).cluster().proxyTier().autoscale().metric())
                .isEqualTo("requestsPerNode");
    }

    @Test
    void withoutAPolicyTheTierHasNone() throws Exception {
        String yaml = YAML.substring(0, YAML.indexOf("  proxyTier:")) + "controller:\n  enabled: true\n";
        assertThat(ConfigLoader.parse(yaml, SOURCE).cluster().proxyTier().autoscale()).isNull();
    }

    @Test
    void eachMistakeIsNamedWithItsLine() {
        String p = "cluster.proxyTier.autoscale.";
        refused("metric: connectionsPerNode", "metric: connectionPerNode", p + "metric",
                "did you mean \"connectionsPerNode\"");
        refused("metric: connectionsPerNode", "metric: requestsPerBackend", p + "metric", "unknown proxy-tier metric");
        refused("    test-process:", "    proces:", p + "provisioner", "unknown provisioner \"proces\"");
        refused("target: 100", "target: 0", p + "target", "greater than 0");
        refused("max: 4", "max: 0", p + "max", "at least min");
        refused("max: 4", "max: 4\n      min: -1", p + "min", "at least 0");
        refused("max: 4", "max: 4\n      step: 0", p + "step", "at least 1");
        refused("cooldown: 30s", "cooldown: -1s", p + "cooldown", "negative");
        refused("    down: 1m", "    down: -1m", p + "stabilization.down", "negative");
        refused("drainTimeout: 2m", "drainTimeout: -2m", p + "drainTimeout", "negative");
        refused("drainTimeout: 2m", "drainTimeout: 2m\n      startTimeout: 0s", p + "startTimeout", "greater than 0");
        refused("drainTimeout: 2m", "drainTimeout: 2m\n      heal: {enabled: false}", p + "heal", "");
    }

    @Test
    void theLeaderDecidesSoTheControllerMustRun() {
        String yaml = with(YAML, "controller:\n  enabled: true\n", "");
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("cluster.proxyTier.autoscale");
        assertThat(e.message()).contains("controller.enabled");
        assertThat(e.line()).isEqualTo(lineOf(yaml, "autoscale:"));
    }

    @Test
    void noPoolTakesTheTiersReservedName() {
        String yaml = YAML.replace("web", "proxy-tier");
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("pools[0].name");
        assertThat(e.message()).contains("reserved for the cluster's proxy tier");
        assertThat(e.line()).isEqualTo(lineOf(yaml, "- name: proxy-tier"));
    }

    private static void refused(String original, String replacement, String path, String message) {
        String yaml = with(YAML, original, replacement);
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).as(e.message()).isEqualTo(path);
        assertThat(e.message()).contains(message);
        String lastLine = replacement.strip().lines().reduce((x, y) -> y).orElseThrow().strip();
        assertThat(e.line()).isEqualTo(lineOf(yaml, lastLine));
    }
}
