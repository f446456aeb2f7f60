package io.fulcrum.app.admin;

import io.fulcrum.testsupport.ConfigYaml;
import io.fulcrum.testsupport.NamedBackend;
import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.admin.AdminService;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a real node's admin API says about itself and its backends, read with curl: the
 * optional parts it reports are those its configuration turns on (a node builds the L4,
 * GSLB and DNS services either way), and a backend that fails its checks says why and when.
 */
class NodeAdminViewsTest {

    private static final String TOKEN = "views-test-token-0123456789";

    private static String admin() {
        return ConfigYaml.admin(new ConfigYaml.Token("ops", "read", TOKEN));
    }

    /** Listener {@code web} on {@code port} sending everything to pool {@code app} of one backend. */
    private static String proxyOnly(int port, String backendAddress) {
        return ConfigYaml.webListener(port, "app") + """
                accessLog:
                  enabled: false
                pools:
                  - name: app
                    backends:
                      - name: one
                        address: %s
                """.formatted(backendAddress);
    }

    private static URI api(FulcrumNode node, String path) {
        return URI.create(node.service(AdminService.class).url()).resolve("api/v1/" + path);
    }

    @Test
    void aNodeWithOnlyAProxyReportsNoL4GslbOrDns() throws Exception {
        try (NamedBackend one = NamedBackend.start("one", 200);
             FulcrumNode node = FulcrumNode.create(ConfigLoader.parse(proxyOnly(FreePorts.tcp(), one.address()) + admin(), "proxy.yaml"), null)) {
            node.start();
            JsonNode features = Curl.get(api(node, "status"), TOKEN).json().get("features");
            assertThat(features.get("l4").asBoolean()).as("l4").isFalse();
            assertThat(features.get("gslb").asBoolean()).as("gslb").isFalse();
            assertThat(features.get("dns").asBoolean()).as("dns").isFalse();
        }
    }

    @Test
    void aNodeWithVirtualServicesGslbAndDnsReportsThem() throws Exception {
        int web = FreePorts.tcp();
        String yaml = """
                virtualServices:
                  - name: tcp-app
                    vips: [127.0.0.1]
                    listeners:
                      - port: %d
                        pool: app
                sites:
                  - name: local
                    vips:
                      - address: 127.0.0.1:%d
                        listener: web
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
                        - {name: ns1, type: A, value: 127.0.0.1}
                """;
        try (NamedBackend one = NamedBackend.start("one", 200)) {
            yaml = proxyOnly(web, one.address())
                    + yaml.formatted(FreePorts.tcp(), web, FreePorts.udp("127.0.0.1"), FreePorts.tcpAndUdp("127.0.0.1"));
            try (FulcrumNode node = FulcrumNode.create(ConfigLoader.parse(yaml + admin(), "all.yaml"), null)) {
                node.start();
                JsonNode features = Curl.get(api(node, "status"), TOKEN).json().get("features");
                assertThat(features.get("l4").asBoolean()).as("l4").isTrue();
                assertThat(features.get("gslb").asBoolean()).as("gslb").isTrue();
                assertThat(features.get("dns").asBoolean()).as("dns").isTrue();
            }
        }
    }

    @Test
    void aBackendThatFailsItsChecksShowsWhatFailedAndWhen() throws Exception {
        int closed = FreePorts.tcp(); // nothing listens there: every connect is refused
        Instant before = Instant.now();
        String yaml = """
                accessLog:
                  enabled: false
                listeners:
                  - name: web
                    bind: 127.0.0.1:%d
                    routes:
                      - name: api
                        match:
                          pathPrefix: /api
                        pool: api
                      - name: all
                        pool: app
                pools:
                  - name: app
                    health:
                      checks:
                        - type: tcp
                          interval: 100ms
                          timeout: 500ms
                          fall: 1
                    backends:
                      - name: live
                        address: %s
                      - name: gone
                        address: 127.0.0.1:%d
                  - name: api
                    health:
                      checks:
                        - type: {http: {path: /health}}
                          interval: 100ms
                          timeout: 500ms
                          fall: 1
                    backends:
                      - name: failing
                        address: %s
                """;
        try (NamedBackend live = NamedBackend.start("live", 200);
             NamedBackend failing = NamedBackend.start("failing", 503)) {
            yaml = yaml.formatted(FreePorts.tcp(), live.address(), closed, failing.address());
            try (FulcrumNode node = FulcrumNode.create(ConfigLoader.parse(yaml + admin(), "checks.yaml"), null)) {
                node.start();
                URI gone = api(node, "pools/app/backends/gone");
                await().atMost(Duration.ofSeconds(10)).until(() -> Curl.get(gone, TOKEN).json().get("health").asText().equals("down"));
                JsonNode view = Curl.get(gone, TOKEN).json();
                JsonNode check = view.get("lastCheck");
                assertThat(check.get("check").asText()).isEqualTo("tcp");
                assertThat(check.get("ok").asBoolean()).isFalse();
                assertThat(check.get("detail").asText()).contains("connection refused");
                assertThat(Instant.parse(check.get("time").asText())).isAfterOrEqualTo(before).isBeforeOrEqualTo(Instant.now());
                assertThat(check.get("consecutive").asInt()).isPositive();
                assertThat(view.get("healthReason").asText()).contains("connection refused");

                URI failingView = api(node, "pools/api/backends/failing");
                await().atMost(Duration.ofSeconds(10)).until(() -> Curl.get(failingView, TOKEN).json().get("health").asText().equals("down"));
                JsonNode http = Curl.get(failingView, TOKEN).json().get("lastCheck");
                assertThat(http.get("check").asText()).isEqualTo("http");
                assertThat(http.get("ok").asBoolean()).isFalse();
                assertThat(http.get("detail").asText()).contains("503");

                // A passing check says so too, in the list of all backends as in the single view.
                URI liveUri = api(node, "pools/app/backends/live");
                await().atMost(Duration.ofSeconds(10)).until(() -> !Curl.get(liveUri, TOKEN).json().get("lastCheck").isNull());
                JsonNode liveCheck = java.util.stream.StreamSupport.stream(Curl.get(api(node, "backends"), TOKEN).json()
                        .spliterator(), false).filter(b -> b.get("name").asText().equals("live")).findFirst().orElseThrow()
                        .get("lastCheck");
                assertThat(liveCheck.get("ok").asBoolean()).isTrue();
                assertThat(liveCheck.get("detail").asText()).isEqualTo("connected");
            }
        }
    }
}
