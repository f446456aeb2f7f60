package io.fulcrum.control.config;

import io.fulcrum.core.config.scale.AutoscaleConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.fulcrum.control.config.ConfigTestSupport.SOURCE;
import static io.fulcrum.control.config.ConfigTestSupport.lineOf;
import static io.fulcrum.control.config.ConfigTestSupport.onlyError;
import static io.fulcrum.control.config.ConfigTestSupport.warningsOf;
import static io.fulcrum.control.config.ConfigTestSupport.with;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code pools[].autoscale}: binding with defaults, and each mistake named by its field and line. */
class AutoscaleConfigValidationTest {

    private static final String YAML = """
            listeners:
              - name: front
                bind: 127.0.0.1:8080
                routes:
                  - name: all
                    pool: web
            pools:
              - name: web
                health:
                  slowStart: 2s
                autoscale:
                  provisioner:
                    test-process:
                      command: app --port {port}
                  metric: requestsPerBackend
                  target: 50
                  min: 1
                  max: 4
                  cooldown: 30s
                  stabilization:
                    up: 10s
                    down: 1m
                  perBackend:
                    scaleOutAbove: 120.5
                  member:
                    weight: 2
                  heal:
                    downFor: 20s
            """;

    @Test
    void aPolicyBindsWithDefaults() throws Exception {
        AutoscaleConfig a = ConfigLoader.parse(YAML, SOURCE).pool("web").autoscale();
        assertThat(a.provisioner().name()).isEqualTo("test-process");
        assertThat(a.provisioner().settings()).isEqualTo(new RecordingProvisionerFactory.Settings("app --port {port}"));
        assertThat(a.target()).isEqualTo(50.0);
        assertThat(a.perBackend().scaleOutAbove()).isEqualTo(120.5);
        assertThat(a.stabilization().up()).isEqualTo(Duration.ofSeconds(10));
        assertThat(a.stabilization().down()).isEqualTo(Duration.ofMinutes(1));
        assertThat(a.tolerance()).isEqualTo(0.1);
        assertThat(a.step()).isEqualTo(1);
        assertThat(a.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(a.dryRun()).isFalse();
        assertThat(a.heal().enabled()).isTrue();
        assertThat(a.heal().maxPerHour()).isEqualTo(6);
        assertThat(a.member().weight()).isEqualTo(2);
    }

    @Test
    void anAutoscaledPoolNeedsNoBackendsOfItsOwn() {
        assertThat(warningsOf(YAML)).isEmpty();
    }

    @Test
    void eachMistakeIsNamedWithItsLine() {
        refused("      command: app --port {port}", "      command: \"\"",
                "pools[0].autoscale.provisioner.test-process.command", "required");
        refused("    test-process:", "    proces:", "pools[0].autoscale.provisioner", "unknown provisioner \"proces\"");
        refused("metric: requestsPerBackend", "metric: requestPerBackend", "pools[0].autoscale.metric",
                "did you mean \"requestsPerBackend\"");
        refused("target: 50", "target: -5", "pools[0].autoscale.target", "greater than 0");
        refused("target: 50", "target: 50\n      tolerance: lots", "pools[0].autoscale.tolerance", "expected a number");
        refused("target: 50", "target: 50\n      scaleOutAbove: 80", "pools[0].autoscale.scaleOutAbove", "not both");
        refused("target: 50", "scaleOutAbove: 80\n      scaleInBelow: 90", "pools[0].autoscale.scaleInBelow",
                "below scaleOutAbove");
        refused("max: 4", "max: 0", "pools[0].autoscale.max", "at least min");
        refused("cooldown: 30s", "cooldown: -1s", "pools[0].autoscale.cooldown", "negative");
        refused("    up: 10s", "    up: -10s", "pools[0].autoscale.stabilization.up", "negative");
        refused("weight: 2", "weight: 0", "pools[0].autoscale.member.weight", "weightBound");
        refused("downFor: 20s", "downFor: 0s", "pools[0].autoscale.heal.downFor", "greater than 0");
        refused("scaleOutAbove: 120.5", "scaleOutAbove: 120.5\n        scaleInBelow: 200",
                "pools[0].autoscale.perBackend.scaleInBelow", "below scaleOutAbove");
        refused("metric: requestsPerBackend", "metric: connectionsRatio", "pools[0].autoscale.metric",
                "member.maxConnections");
        refused("metric: requestsPerBackend", "metric: hostCpu", "pools[0].autoscale.metric", "health.agent");
    }

    @Test
    void stepScalingNeedsBothThresholdsAndAMissingOneIsShownAtTheSection() {
        String yaml = with(YAML, "target: 50", "scaleOutAbove: 80");
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo("pools[0].autoscale.scaleInBelow");
        assertThat(e.message()).contains("step scaling needs both");
        assertThat(e.line()).isEqualTo(lineOf(yaml, "autoscale:"));
    }

    @Test
    void maxIsRequired() {
        String yaml = with(YAML, "      max: 4\n", "");
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).as(e.message()).isEqualTo("pools[0].autoscale.max");
        assertThat(e.message()).contains("required");
    }

    @Test
    void aPoolWithoutAPolicyStillNeedsBackends() {
        String yaml = YAML.substring(0, YAML.indexOf("    autoscale:"));
        assertThat(onlyError(yaml).path()).isEqualTo("pools[0].backends");
    }

    @Test
    void withoutSlowStartNewMembersTakeTheirFullWeightAndTheValidatorSaysSo() {
        String yaml = with(YAML, "    health:\n      slowStart: 2s\n", "");
        assertThat(warningsOf(yaml)).anySatisfy(w -> {
            assertThat(w.path()).isEqualTo("pools[0].autoscale.provisioner");
            assertThat(w.message()).contains("health.slowStart");
        });
    }

    private static void refused(String original, String replacement, String path, String message) {
        String yaml = with(YAML, original, replacement);
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo(path);
        assertThat(e.message()).contains(message);
        String lastLine = replacement.strip().lines().reduce((x, y) -> y).orElseThrow().strip();
        assertThat(e.line()).isEqualTo(lineOf(yaml, lastLine));
    }
}
