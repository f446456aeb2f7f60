package io.fulcrum.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.admin.spi.AdminReadable;
import io.fulcrum.admin.spi.MetricImportanceSink;
import io.fulcrum.admin.spi.MetricsSource;
import io.fulcrum.admin.testing.AdminFixture;
import io.fulcrum.admin.testing.Http;
import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.admin.testing.TestNode;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.gslb.SiteStateView;
import io.fulcrum.core.lifecycle.NodeService;
import io.fulcrum.testsupport.FreePorts;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Other parts of a node appear in the admin API and /metrics through the interfaces they
 * implement: the site-state view (GSLB sites and hand-off), read-only views (DNS
 * statistics), their own metrics, and metric importance.
 */
class ExtensionPointsTest {

    @TempDir
    Path dir;

    /** Stands for the GSLB and DNS services, which are built in their own modules. */
    static final class OtherPart implements NodeService, SiteStateView, AdminReadable, MetricsSource, MetricImportanceSink {
        final Map<String, Map<String, Double>> importance = new ConcurrentHashMap<>();

        @Override public String name() { return "dns"; }
        @Override public void start(FulcrumConfig config) { }
        @Override public void apply(FulcrumConfig config) { }
        @Override public void close() { }
        @Override public boolean siteUp(String site) { return !site.equals("far"); }
        @Override public boolean vipUp(String site, String vip) { return true; }
        @Override public OptionalDouble responseTimeMillis(String site) { return site.equals("near") ? OptionalDouble.of(12.5) : OptionalDouble.empty(); }
        @Override public OptionalLong remainingCapacity(String site) { return OptionalLong.of(100); }
        @Override public Map<String, Double> handoffShares() { return Map.of("near", 0.75, "local", 0.25); }
        @Override public long version() { return 7; }
        @Override public String adminPath() { return "dns/stats"; }
        @Override public Object adminSnapshot() { return Map.of("queries", 42, "byRcode", Map.of("NOERROR", 40, "NXDOMAIN", 2)); }
        @Override public void registerMetrics(PrometheusRegistry registry) {
            CounterWithCallback.builder().name("fulcrum_dns_queries").help("DNS queries.").labelNames("type", "rcode", "policy")
                    .callback(cb -> cb.call(42, "A", "NOERROR", "geo")).register(registry);
        }
        @Override public void metricImportance(String pool, Map<String, Double> values) { importance.put(pool, values); }
    }

    @Test
    void sitesHandoffReadOnlyViewsMetricsAndImportanceComeFromTheServicesThatHaveThem() throws Exception {
        List<NamedBackend> backends = List.of(NamedBackend.start("one"));
        OtherPart other = new OtherPart();
        Path file = AdminFixture.write(dir, backends);
        // The parts report themselves as features only when the configuration turns them on.
        Files.writeString(file, Files.readString(file) + """
                sites:
                  - name: local
                    vips:
                      - address: 127.0.0.1:80
                gslb:
                  site: local
                  bind: 127.0.0.1:%d
                dns:
                  listen: ["127.0.0.1:%d"]
                  zones:
                    - name: example.test
                      soa: {mname: ns1.example.test., rname: hostmaster.example.test., serial: 1}
                      records:
                        - {name: "@", type: NS, value: ns1.example.test.}
                """.formatted(FreePorts.udp("127.0.0.1"), FreePorts.tcpAndUdp("127.0.0.1")));
        try (Http http = new Http(); TestNode node = TestNode.start(file, other)) {
            var base = node.adminUri().resolve("api/v1/");
            JsonNode sites = http.json("GET", base.resolve("gslb/sites"), AdminFixture.READ_TOKEN, null, 200);
            assertThat(sites).extracting(s -> s.get("name").asText()).contains("near", "local");
            JsonNode near = java.util.stream.StreamSupport.stream(sites.spliterator(), false)
                    .filter(s -> s.get("name").asText().equals("near")).findFirst().orElseThrow();
            assertThat(near.get("responseTimeMillis").asDouble()).isEqualTo(12.5);
            assertThat(near.get("handoffShare").asDouble()).isEqualTo(0.75);
            JsonNode handoff = http.json("GET", base.resolve("gslb/handoff"), AdminFixture.READ_TOKEN, null, 200);
            assertThat(handoff.get("version").asLong()).isEqualTo(7);
            assertThat(handoff.get("shares").get("local").asDouble()).isEqualTo(0.25);
            assertThat(http.json("GET", base.resolve("dns/stats"), AdminFixture.READ_TOKEN, null, 200).get("queries").asInt())
                    .isEqualTo(42);
            JsonNode features = http.json("GET", base.resolve("status"), AdminFixture.READ_TOKEN, null, 200).get("features");
            assertThat(features.get("gslb").asBoolean()).isTrue();
            assertThat(features.get("dns").asBoolean()).isTrue();
            assertThat(features.get("l4").asBoolean()).isFalse();
            assertThat(http.get(node.adminUri().resolve("metrics")))
                    .contains("fulcrum_dns_queries_total{policy=\"geo\",rcode=\"NOERROR\",type=\"A\"} 42");
            http.json("PUT", base.resolve("pools/app/importance"), AdminFixture.ADMIN_TOKEN, "{\"service\":3}", 200);
            assertThat(other.importance).containsEntry("app", Map.of("service", 3.0));
        } finally {
            backends.forEach(NamedBackend::close);
        }
    }
}
