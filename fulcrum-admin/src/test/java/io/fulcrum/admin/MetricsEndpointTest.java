package io.fulcrum.admin;

import io.fulcrum.admin.testing.AdminFixture;
import io.fulcrum.admin.testing.Http;
import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.admin.testing.TestNode;
import org.hawkular.agent.prometheus.text.TextPrometheusMetricsProcessor;
import org.hawkular.agent.prometheus.types.Counter;
import org.hawkular.agent.prometheus.types.Gauge;
import org.hawkular.agent.prometheus.types.Histogram;
import org.hawkular.agent.prometheus.types.Metric;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.hawkular.agent.prometheus.walkers.CollectorPrometheusMetricsWalker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code /metrics} parsed with a Prometheus text-format parser: names, types, and counters that follow traffic. */
class MetricsEndpointTest {

    @TempDir
    Path dir;

    @Test
    void countersAndHistogramsMoveWithTraffic() throws Exception {
        List<NamedBackend> backends = new ArrayList<>();
        for (String n : List.of("alpha", "beta", "gamma")) {
            backends.add(NamedBackend.start(n));
        }
        try (Http http = new Http(); TestNode node = TestNode.start(AdminFixture.write(dir, backends))) {
            Map<String, MetricFamily> before = scrape(http, node);
            assertThat(before).containsKeys("fulcrum_backend_up", "fulcrum_backend_weight", "jvm_memory_used_bytes",
                    "fulcrum_client_connections");
            assertThat(before.get("fulcrum_backend_up").getMetrics()).hasSize(3)
                    .allSatisfy(m -> assertThat(((Gauge) m).getValue()).isEqualTo(1.0));
            double alphaBefore = counter(before, "fulcrum_backend_requests_total", Map.of("backend", "alpha", "code", "2xx"));

            for (int i = 0; i < 30; i++) {
                http.get(node.proxyUri("web").resolve("/m/" + i));
            }
            Map<String, MetricFamily> after = scrape(http, node);
            assertThat(counter(after, "fulcrum_backend_requests_total", Map.of("backend", "alpha", "code", "2xx")))
                    .isEqualTo(alphaBefore + 10);
            assertThat(counter(after, "fulcrum_listener_requests_total", Map.of("listener", "web", "code", "2xx"))).isEqualTo(30);
            assertThat(counter(after, "fulcrum_route_requests_total", Map.of("route", "default", "code", "2xx"))).isEqualTo(30);
            assertThat(counter(after, "fulcrum_pool_requests_total", Map.of("pool", "app", "code", "2xx"))).isEqualTo(30);
            assertThat(counter(after, "fulcrum_listener_sent_bytes_total", Map.of("listener", "web"))).isGreaterThan(0);
            Histogram h = (Histogram) find(after, "fulcrum_backend_request_duration_seconds", Map.of("backend", "beta")).orElseThrow();
            assertThat(h.getSampleCount()).isEqualTo(10);
            assertThat(h.getBuckets()).isNotEmpty();
            assertThat(counter(after, "fulcrum_metrics_lost_total", Map.of())).isZero();

            // A drain shows in the state gauge and the backend stops counting.
            http.json("POST", node.adminUri().resolve("api/v1/pools/app/backends/alpha/drain"), AdminFixture.ADMIN_TOKEN, null, 200);
            for (int i = 0; i < 12; i++) {
                http.get(node.proxyUri("web").resolve("/n/" + i));
            }
            Map<String, MetricFamily> drained = scrape(http, node);
            assertThat(((Gauge) find(drained, "fulcrum_backend_state", Map.of("backend", "alpha", "state", "draining"))
                    .orElseThrow()).getValue()).isEqualTo(1.0);
            assertThat(counter(drained, "fulcrum_backend_requests_total", Map.of("backend", "alpha", "code", "2xx")))
                    .isEqualTo(alphaBefore + 10);
            assertThat(counter(drained, "fulcrum_backend_requests_total", Map.of("backend", "beta", "code", "2xx")))
                    .isEqualTo(16);
            // A removed backend's series go away.
            http.send("DELETE", node.adminUri().resolve("api/v1/pools/app/backends/gamma"), AdminFixture.ADMIN_TOKEN, null);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                    find(scrape(http, node), "fulcrum_backend_requests_total", Map.of("backend", "gamma"))).isEmpty());
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                    http.json("GET", node.adminUri().resolve("api/v1/pools/app/backends/beta"), AdminFixture.READ_TOKEN,
                            null, 200).get("latencyMillis").get("p99").asDouble()).isGreaterThan(0));
        } finally {
            backends.forEach(NamedBackend::close);
        }
    }

    @Test
    void metricsCanRequireAToken() throws Exception {
        List<NamedBackend> backends = List.of(NamedBackend.start("solo"));
        Path file = AdminFixture.write(dir, backends, "  metricsWithoutToken: false\n");
        try (Http http = new Http(); TestNode node = TestNode.start(file)) {
            assertThat(http.send("GET", node.adminUri().resolve("metrics"), null, null).statusCode()).isEqualTo(401);
            assertThat(http.send("GET", node.adminUri().resolve("metrics"), AdminFixture.READ_TOKEN, null).statusCode())
                    .isEqualTo(200);
        } finally {
            backends.forEach(NamedBackend::close);
        }
    }

    static Map<String, MetricFamily> scrape(Http http, TestNode node) throws Exception {
        HttpResponse<String> r = http.send("GET", node.adminUri().resolve("metrics"), null, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        CollectorPrometheusMetricsWalker walker = new CollectorPrometheusMetricsWalker();
        new TextPrometheusMetricsProcessor(new ByteArrayInputStream(r.body().getBytes(StandardCharsets.UTF_8)), walker).walk();
        Map<String, MetricFamily> byName = new java.util.HashMap<>();
        for (MetricFamily f : walker.getAllMetricFamilies()) {
            assertThat(f.getName()).matches("[a-zA-Z_:][a-zA-Z0-9_:]*");
            byName.put(f.getName(), f);
        }
        return byName;
    }

    static Optional<Metric> find(Map<String, MetricFamily> families, String name, Map<String, String> labels) {
        MetricFamily f = families.get(name);
        if (f == null) {
            return Optional.empty();
        }
        return f.getMetrics().stream().filter(m -> labels.entrySet().stream()
                .allMatch(e -> e.getValue().equals(m.getLabels().get(e.getKey())))).findFirst();
    }

    static double counter(Map<String, MetricFamily> families, String name, Map<String, String> labels) {
        return find(families, name, labels).map(m -> ((Counter) m).getValue()).orElse(0.0);
    }
}
