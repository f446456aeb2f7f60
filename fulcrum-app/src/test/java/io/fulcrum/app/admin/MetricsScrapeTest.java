package io.fulcrum.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.admin.AdminService;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.testsupport.Commands;
import io.fulcrum.testsupport.ConfigYaml;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.MetricsText;
import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.testsupport.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /metrics} of a real node running a proxy (a plain and a TLS listener, a health-checked
 * pool with a backend on a closed port, a pool with a wait queue), an L4 virtual service, a
 * DNS server and GSLB (a local site and one whose VIP is a closed port), after real traffic: HTTP requests, requests queued behind a held backend, one L4
 * flow of known size, {@code dig} queries, and reloads through the admin API that succeed and
 * fail. The scrape is read over a socket and parsed strictly ({@link MetricsText}), each new series checked against what was done; then every query of the Grafana
 * dashboard in {@code examples/grafana} is parsed and each metric it names must be in the scrape.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsScrapeTest {

    private static final String TOKEN = "metrics-test-token-0123456789";
    private static final Path DASHBOARD = Path.of("..", "examples", "grafana", "fulcrum.json");
    private static final int REQUESTS = 10;
    private static final int QUEUED = 2;
    private static final String L4_REQUEST = "GET /l4 HTTP/1.1\r\nHost: one\r\nConnection: close\r\n\r\n";

    private Path dir;
    private Path file;
    private String yaml;
    private final List<AutoCloseable> open = new ArrayList<>();
    private FulcrumNode node;
    private URI admin;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TestCertificates.Pair cert;
    private int dnsPort;
    private long l4Received;
    private Instant firstReloadStarted;
    private Instant lastReloadStarted;
    private Instant lastReloadEnded;
    /** The scrape after all the traffic, in the Prometheus text format. */
    private MetricsText scrape;

    @BeforeAll
    void startAndDrive() throws Exception {
        assumeThat(TestCertificates.opensslAvailable()).as("openssl makes the test certificate").isTrue();
        assumeThat(Commands.works("dig", "-v")).as("dig sends the DNS queries").isTrue();
        dir = Files.createTempDirectory("fulcrum-metrics-");
        cert = TestCertificates.selfSigned(dir, "web", "web.example.test", "DNS:web.example.test,DNS:www.example.test");
        NamedBackend alpha = keep(NamedBackend.start("alpha", 200));
        NamedBackend held = keep(NamedBackend.start("held", 200));
        NamedBackend one = keep(NamedBackend.start("one", 200));
        dnsPort = FreePorts.udp("127.0.0.1");
        int l4Port = FreePorts.tcp();
        yaml = """
                server:
                  shutdownGrace: 200ms
                accessLog:
                  enabled: false
                listeners:
                  - name: web
                    bind: 127.0.0.1:%1$d
                    routes:
                      - {name: slow, match: {pathPrefix: /slow}, pool: slow}
                      - {name: default, pool: app}
                  - name: secure
                    bind: 127.0.0.1:%2$d
                    tls:
                      certificates:
                        - {certFile: "%3$s", keyFile: "%4$s"}
                    routes: [{name: all, pool: app}]
                pools:
                  - name: app
                    health:
                      checks:
                        - {type: tcp, interval: 200ms, timeout: 500ms, fall: 1}
                    backends:
                      - {name: alpha, address: "%5$s"}
                      - {name: gone, address: "127.0.0.1:%6$d"}
                  - name: slow
                    queue: {size: 10, timeout: 30s}
                    backends:
                      - {name: held, address: "%7$s", maxConnections: 1}
                  - name: tcp
                    backends:
                      - {name: one, address: "%8$s"}
                virtualServices:
                  - name: tcp-app
                    vips: [127.0.0.1]
                    listeners:
                      - {port: %9$d, pool: tcp}
                dns:
                  listen: ["127.0.0.1:%10$d"]
                  zones:
                    - name: example.test
                      soa: {mname: ns1.example.test., rname: hostmaster.example.test., serial: 1}
                      records:
                        - {name: "@", type: NS, value: ns1.example.test.}
                        - {name: ns1, type: A, value: 127.0.0.1}
                sites:
                  - name: local
                    vips:
                      - {address: "127.0.0.1:%1$d", listener: web}
                  - name: far
                    vips:
                      - {address: "127.0.0.1:%11$d", check: {type: tcp, interval: 200ms, timeout: 500ms, fall: 1}}
                gslb:
                  site: local
                  bind: 127.0.0.1:%12$d
                """.formatted(FreePorts.tcp(), FreePorts.tcp(), cert.certFile(), cert.keyFile(), alpha.address(),
                FreePorts.tcp(), held.address(), one.address(), l4Port, dnsPort, FreePorts.tcp(), FreePorts.udp("127.0.0.1"))
                + ConfigYaml.admin(new ConfigYaml.Token("ops", "admin", TOKEN));
        file = dir.resolve("metrics.yaml");
        Files.writeString(file, yaml);
        node = FulcrumNode.create(ConfigLoader.load(file), file);
        open.add(node);
        node.start();
        admin = URI.create(node.service(AdminService.class).url());
        URI proxy = URI.create("http://127.0.0.1:" + node.boundAddresses().get("web").getPort() + "/");

        // Health checks: the closed port fails, alpha passes.
        await().atMost(Duration.ofSeconds(20)).until(() -> "down".equals(health("app", "gone"))
                && node.proxy().runtime().pools().get("app").backends().getFirst().lastCheck() != null);
        for (int i = 0; i < REQUESTS; i++) {
            assertThat(get(proxy.resolve("/item/" + i)).statusCode()).isEqualTo(200);
        }
        // Requests queued behind the one held at its backend's connection limit.
        HeldQueue.queueBehind(held, http, proxy, "/slow/", node, "slow", QUEUED);
        // One L4 flow of known size each way.
        try (Socket flow = new Socket("127.0.0.1", l4Port)) {
            flow.getOutputStream().write(L4_REQUEST.getBytes(StandardCharsets.US_ASCII));
            byte[] answer = flow.getInputStream().readAllBytes();
            assertThat(new String(answer, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200").endsWith("one");
            l4Received = answer.length;
        }
        for (int i = 0; i < 3; i++) {
            assertThat(Commands.dig("127.0.0.1", dnsPort, "ns1.example.test", "A")).isEqualTo("127.0.0.1");
        }
        // Reloads: the file as it is (a success), a broken file (refused), the file again (a success).
        firstReloadStarted = Instant.now();
        assertThat(reload().statusCode()).isEqualTo(200);
        Files.writeString(file, yaml + "listeners: [oops\n");
        assertThat(reload().statusCode()).isEqualTo(422);
        Files.writeString(file, yaml);
        lastReloadStarted = Instant.now();
        assertThat(reload().statusCode()).isEqualTo(200);
        lastReloadEnded = Instant.now();
        // The flow is closed and counted once its table entry is gone.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                text().value("fulcrum_l4_flows", Map.of("backend", "one", "state", "fin")).orElse(-1.0)).isZero());
        scrape = text();
    }

    @AfterAll
    void stop() throws Exception {
        http.close();
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void buildInfoNamesTheVersionRevisionAndJava() throws Exception {
        var info = scrape.samples("fulcrum_build_info");
        assertThat(info).hasSize(1);
        assertThat(info.getFirst().value()).isEqualTo(1.0);
        assertThat(info.getFirst().labels()).containsEntry("version", parentVersion())
                .containsEntry("java", Runtime.version().toString()).containsKey("revision");
        assertThat(info.getFirst().labels().get("revision")).isNotBlank();
    }

    @Test
    void buildInfoRevisionIsTheCommitTheBuildWasMadeFrom() throws Exception {
        Path repository = Path.of("").toAbsolutePath().getParent();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(repository.resolve(".git")),
                "built outside a git checkout: the revision is 'unknown' there");
        Process git = new ProcessBuilder("git", "-C", repository.toString(), "rev-parse", "HEAD")
                .redirectErrorStream(true).start();
        String head = new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        assertThat(git.waitFor()).isZero();
        assertThat(scrape.samples("fulcrum_build_info").getFirst().labels()).containsEntry("revision", head);
    }

    @Test
    void reloadsAreCountedByResultWithTheirTimes() {
        assertThat(value("fulcrum_config_reloads_total", Map.of("result", "success"))).isEqualTo(2);
        assertThat(value("fulcrum_config_reloads_total", Map.of("result", "failure"))).isEqualTo(1);
        assertThat(value("fulcrum_config_last_reload_successful", Map.of())).isEqualTo(1);
        double last = value("fulcrum_config_last_reload_timestamp_seconds", Map.of());
        double success = value("fulcrum_config_last_reload_success_timestamp_seconds", Map.of());
        assertThat(last).isBetween(seconds(lastReloadStarted), seconds(lastReloadEnded));
        assertThat(success).isEqualTo(last);
        assertThat(seconds(firstReloadStarted)).isLessThanOrEqualTo(last);
    }

    @Test
    void queueGaugesShowWhatWaited() {
        assertThat(value("fulcrum_pool_queued_requests", Map.of("pool", "slow"))).isZero();
        assertThat(value("fulcrum_pool_queued_requests_max", Map.of("pool", "slow"))).isEqualTo(QUEUED);
        assertThat(value("fulcrum_pool_queue_limit", Map.of("pool", "slow"))).isEqualTo(10);
        assertThat(value("fulcrum_pool_queued_requests_max", Map.of("pool", "app"))).isZero();
        assertThat(value("fulcrum_pool_queue_limit", Map.of("pool", "app"))).as("the default queue").isEqualTo(1024);
    }

    @Test
    void healthChecksAreCountedByResultWithTheirDurations() {
        Map<String, String> gone = Map.of("pool", "app", "backend", "gone");
        Map<String, String> alpha = Map.of("pool", "app", "backend", "alpha");
        assertThat(value("fulcrum_health_check_last_success", gone)).isZero();
        assertThat(value("fulcrum_health_check_last_success", alpha)).isEqualTo(1);
        assertThat(value("fulcrum_health_checks_total", with(gone, "result", "fail"))).isPositive();
        assertThat(value("fulcrum_health_checks_total", with(gone, "result", "pass"))).isZero();
        double alphaPassed = value("fulcrum_health_checks_total", with(alpha, "result", "pass"));
        assertThat(alphaPassed).isPositive();
        assertThat(value("fulcrum_health_checks_total", with(alpha, "result", "fail"))).isZero();
        // The summary is read after the counter in one scrape: it has counted at least those checks.
        assertThat(value("fulcrum_health_check_duration_seconds_count", alpha)).isGreaterThanOrEqualTo(alphaPassed);
        assertThat(value("fulcrum_health_check_duration_seconds_sum", alpha)).isPositive();
        assertThat(value("fulcrum_health_check_last_duration_seconds", alpha)).isPositive();
        // Pools without checks have no check series.
        assertThat(scrape.samples("fulcrum_health_checks_total", Map.of("pool", "slow"))).isEmpty();
    }

    @Test
    void certificateExpiryIsTheNotAfterOfEachServedName() throws Exception {
        X509Certificate c;
        try (InputStream in = Files.newInputStream(Path.of(cert.certFile()))) {
            c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        var series = scrape.samples("fulcrum_tls_certificate_expiry_timestamp_seconds");
        Set<String> names = new TreeSet<>();
        series.forEach(s -> names.add(s.labels().get("name")));
        assertThat(names).containsExactly("web.example.test", "www.example.test");
        assertThat(series).allSatisfy(s -> {
            assertThat(s.labels()).containsEntry("listener", "secure");
            assertThat(s.labels().get("subject")).contains("CN=web.example.test");
            assertThat(s.value()).isEqualTo(c.getNotAfter().getTime() / 1000.0);
        });
    }

    @Test
    void l4FlowsAndBytesPerBackend() {
        Map<String, String> one = Map.of("service", "tcp-app", "pool", "tcp", "backend", "one");
        assertThat(value("fulcrum_l4_flows_opened_total", one)).isEqualTo(1);
        assertThat(value("fulcrum_l4_flows", with(one, "state", "active"))).isZero();
        assertThat(value("fulcrum_l4_flows", with(one, "state", "fin"))).isZero();
        assertThat(value("fulcrum_l4_received_bytes_total", one)).isEqualTo(L4_REQUEST.length());
        assertThat(value("fulcrum_l4_sent_bytes_total", one)).isEqualTo(l4Received);
    }

    @Test
    void dnsSeriesCountTheQueries() {
        assertThat(value("fulcrum_dns_queries_total", Map.of("type", "A"))).isEqualTo(3);
        assertThat(value("fulcrum_dns_replies_total", Map.of("rcode", "NOERROR"))).isEqualTo(3);
    }

    @Test
    void gslbSitesAreUpOrDownAsThisNodeSeesThem() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            MetricsText now = text();
            assertThat(now.value("fulcrum_gslb_site_up", Map.of("site", "far"))).hasValue(0.0);
            assertThat(now.value("fulcrum_gslb_site_up", Map.of("site", "local"))).hasValue(1.0);
        });
    }

    @Test
    void openMetricsWhenTheScrapeAsksForIt() throws Exception {
        // What Prometheus itself sends.
        HttpResponse<String> om = scrapeResponse("application/openmetrics-text;version=1.0.0;q=0.5,"
                + "application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2");
        assertThat(om.headers().firstValue("content-type")).hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(om.body()).endsWith("# EOF\n");
        MetricsText parsed = MetricsText.parse(om.body(), MetricsText.Format.OPENMETRICS);
        assertThat(parsed.families().get("fulcrum_config_reloads").type()).isEqualTo("counter");
        assertThat(parsed.value("fulcrum_config_reloads_total", Map.of("result", "failure"))).hasValue(1.0);
        assertThat(parsed.families().get("fulcrum_l4_flows_opened").samples())
                .allSatisfy(s -> assertThat(s.name()).isEqualTo("fulcrum_l4_flows_opened_total"));
        assertThat(parsed.value("fulcrum_l4_received_bytes_total", Map.of("backend", "one")))
                .hasValue((double) L4_REQUEST.length());
        assertThat(parsed.families().get("fulcrum_build").type()).isEqualTo("info");
        assertThat(parsed.value("fulcrum_build_info", Map.of("java", Runtime.version().toString()))).hasValue(1.0);

        // Refused (q=0), absent or another type: the Prometheus text format.
        for (String accept : new String[] {"application/openmetrics-text; q=0, text/plain", "text/plain;version=0.0.4", null}) {
            HttpResponse<String> plain = scrapeResponse(accept);
            assertThat(plain.headers().firstValue("content-type")).as(accept).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(plain.body()).doesNotContain("# EOF");
            MetricsText.parse(plain.body(), MetricsText.Format.PROMETHEUS);
        }
    }

    @Test
    void everyGrafanaQueryNamesMetricsTheNodeExports() throws Exception {
        JsonNode dashboard = StatsNode.JSON.readTree(DASHBOARD.toFile());
        Map<String, Set<String>> byQuery = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                byQuery.put(panel.get("title").asText() + ": " + target.get("expr").asText(),
                        PromQlMetricNames.of(target.get("expr").asText()));
            }
        }
        for (JsonNode variable : dashboard.get("templating").get("list")) {
            if (variable.get("type").asText().equals("query")) {
                String q = variable.get("query").get("query").asText();
                byQuery.put("variable " + variable.get("name").asText() + ": " + q, PromQlMetricNames.of(q));
            }
        }
        assertThat(byQuery).hasSizeGreaterThanOrEqualTo(20);
        Set<String> exported = scrape.sampleNames();
        Set<String> used = new TreeSet<>();
        byQuery.forEach((query, names) -> {
            assertThat(names).as("metric names in %s", query).isNotEmpty();
            assertThat(exported).as("the scrape has what %s names", query).containsAll(names);
            used.addAll(names);
        });
        // The panels the dashboard promises are there.
        assertThat(used).contains("fulcrum_listener_requests_total", "fulcrum_listener_request_duration_seconds_bucket",
                "fulcrum_backend_up", "fulcrum_pool_queued_requests", "fulcrum_l4_flows_opened_total",
                "fulcrum_l4_received_bytes_total", "fulcrum_health_check_duration_seconds_sum",
                "fulcrum_config_reloads_total", "fulcrum_tls_certificate_expiry_timestamp_seconds",
                "fulcrum_dns_queries_total");
    }

    private double value(String name, Map<String, String> labels) {
        return scrape.value(name, labels).orElseThrow(() -> new AssertionError("no " + name + labels + " in the scrape"));
    }

    private static Map<String, String> with(Map<String, String> labels, String k, String v) {
        Map<String, String> m = new LinkedHashMap<>(labels);
        m.put(k, v);
        return m;
    }

    private static double seconds(Instant t) {
        return t.toEpochMilli() / 1000.0;
    }

    /** The version in the parent POM, which the build writes into the jar. */
    private static String parentVersion() throws Exception {
        String pom = Files.readString(Path.of("..", "pom.xml"));
        int parent = pom.indexOf("<artifactId>fulcrum-parent</artifactId>");
        int start = pom.indexOf("<version>", parent) + "<version>".length();
        return pom.substring(start, pom.indexOf("</version>", start));
    }

    private MetricsText text() throws Exception {
        return MetricsText.parse(scrapeResponse(null).body(), MetricsText.Format.PROMETHEUS);
    }

    private HttpResponse<String> scrapeResponse(String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(admin.resolve("/metrics")).timeout(Duration.ofSeconds(20));
        if (accept != null) {
            b.header("Accept", accept);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r;
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> reload() throws Exception {
        return http.send(HttpRequest.newBuilder(admin.resolve("api/v1/reload")).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String health(String pool, String backend) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(admin.resolve("api/v1/pools/" + pool + "/backends/" + backend))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        return StatsNode.JSON.readTree(r.body()).get("health").asText();
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }
}
