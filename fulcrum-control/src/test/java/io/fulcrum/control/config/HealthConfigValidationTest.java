package io.fulcrum.control.config;

import io.fulcrum.core.config.health.BuiltInCheckTypes;
import io.fulcrum.core.config.health.PoolHealthConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.fulcrum.control.config.ConfigTestSupport.SOURCE;
import static io.fulcrum.control.config.ConfigTestSupport.lineOf;
import static io.fulcrum.control.config.ConfigTestSupport.onlyError;
import static io.fulcrum.control.config.ConfigTestSupport.with;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code pools[].health}: binding with defaults, and each semantic error named by its field and line. */
class HealthConfigValidationTest {

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
                  checks:
                    - type:
                        http:
                          path: /health
                          expectStatus: "200-299"
                      interval: 1s
                    - type:
                        dns:
                          query: svc.example
                      port: 53
                  slowStart: 5s
                  agent:
                    port: 9110
                    token: abc
                  adaptiveWeights:
                    maxWeight: 50
                    importance: {input: 1, host: 2, service: 3}
                    hostMetric: script:load
                    fixed: [b]
                  rules:
                    - name: backup
                      backends: [a]
                      from: "22:00"
                      to: "02:00"
                      days: [sat, sun]
                  schedules:
                    - name: evening
                      at: "2026-11-24T18:00:00Z"
                      weights: {a: 3}
                      members: [a, b]
                backends:
                  - name: a
                    address: 127.0.0.1:9001
                  - name: b
                    address: 127.0.0.1:9002
            """;

    @Test
    void aFullSectionBindsWithDefaults() throws Exception {
        PoolHealthConfig h = ConfigLoader.parse(YAML, SOURCE).pool("web").health();
        assertThat(h.checks()).hasSize(2);
        assertThat(h.checks().getFirst().rise()).isEqualTo(2);
        assertThat(h.checks().getFirst().fall()).isEqualTo(3);
        assertThat(h.checks().getFirst().timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(h.checks().getFirst().type().settings())
                .isEqualTo(new BuiltInCheckTypes.HttpSettings("/health", null, "200-299", null, null, null));
        assertThat(h.checks().get(1).type().settings())
                .isEqualTo(new BuiltInCheckTypes.DnsSettings("svc.example", "A", null));
        assertThat(h.slowStart()).isEqualTo(Duration.ofSeconds(5));
        assertThat(h.agent().staleAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(h.adaptiveWeights().importance().service()).isEqualTo(3);
        assertThat(h.adaptiveWeights().smoothing()).isEqualTo(2);
        assertThat(h.rules().getFirst().zone()).isEqualTo("UTC");
        assertThat(h.schedules().getFirst().weights()).containsEntry("a", "3");
        assertThat(h.active()).isTrue();
    }

    @Test
    void noSectionMeansNothingToDo() throws Exception {
        String yaml = YAML.substring(0, YAML.indexOf("\n    health:")) + YAML.substring(YAML.indexOf("\n    backends:"));
        assertThat(ConfigLoader.parse(yaml, SOURCE).pool("web").health().active()).isFalse();
    }

    private static void refused(String original, String replacement, String path, String message) {
        String yaml = with(YAML, original, replacement);
        ConfigError e = onlyError(yaml);
        assertThat(e.path()).isEqualTo(path);
        assertThat(e.message()).contains(message);
        String lastLine = replacement.strip().lines().reduce((x, y) -> y).orElseThrow().strip();
        assertThat(e.line()).isEqualTo(lineOf(yaml, lastLine));
    }

    @Test
    void eachMistakeIsNamedWithItsLine() {
        refused("    http:\n", "    htp:\n", "pools[0].health.checks[0].type", "did you mean \"http\"");
        refused("expectStatus: \"200-299\"", "expectStatus: \"2xx\"",
                "pools[0].health.checks[0].type.http.expectStatus", "200-399");
        refused("query: svc.example", "query: \"\"", "pools[0].health.checks[1].type.dns.query", "required");
        refused("query: svc.example", "query: svc.example\n              path: /q", "pools[0].health.checks[1].type.dns.path",
                "unknown field \"path\"");
        refused("maxWeight: 50", "maxWeight: 500", "pools[0].health.adaptiveWeights.maxWeight", "weightBound");
        refused("hostMetric: script:load", "hostMetric: disk", "pools[0].health.adaptiveWeights.hostMetric",
                "script:<name>");
        refused("fixed: [b]", "fixed: [zz]", "pools[0].health.adaptiveWeights.fixed[0]", "no backend named \"zz\"");
        refused("to: \"02:00\"", "to: \"25:00\"", "pools[0].health.rules[0].to", "time of day");
        refused("days: [sat, sun]", "days: [sat, someday]", "pools[0].health.rules[0].days[1]", "mon, tue");
        refused("at: \"2026-11-24T18:00:00Z\"", "at: \"tomorrow\"", "pools[0].health.schedules[0].at", "ISO-8601");
        refused("weights: {a: 3}", "weights: {a: -3}", "pools[0].health.schedules[0].weights.a", ">= 0");
        refused("slowStart: 5s", "slowStart: -5s", "pools[0].health.slowStart", "negative");
        refused("token: abc", "token: abc\n        staleAfter: 10ms", "pools[0].health.agent.staleAfter",
                "polling interval");
    }

    @Test
    void unknownKeysAreRefusedToo() {
        ConfigError e = onlyError(with(YAML, "slowStart: 5s", "slowstart: 5s"));
        assertThat(e.path()).isEqualTo("pools[0].health.slowstart");
    }
}
