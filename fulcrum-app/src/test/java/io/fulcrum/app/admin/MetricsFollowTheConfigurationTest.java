package io.fulcrum.app.admin;

import io.fulcrum.admin.AdminService;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.testsupport.ConfigYaml;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.MetricsText;
import io.fulcrum.testsupport.NamedBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DNS, L4 and GSLB series of {@code /metrics} follow the configuration in force: present while
 * {@code dns}, {@code virtualServices} and {@code gslb} are configured, gone (TYPE lines too) after a reload
 * that removes them, back after one that restores them.
 */
class MetricsFollowTheConfigurationTest {

    private static final String TOKEN = "metrics-follow-token-0123456789";

    @TempDir
    Path dir;

    @Test
    void dnsL4AndGslbSeriesComeAndGoWithTheirSections() throws Exception {
        try (NamedBackend one = NamedBackend.start("one", 200);
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            int web = FreePorts.tcp();
            String base = """
                    server:
                      shutdownGrace: 200ms
                    accessLog:
                      enabled: false
                    listeners:
                      - name: web
                        bind: 127.0.0.1:%d
                        routes: [{name: all, pool: app}]
                    pools:
                      - name: app
                        backends:
                          - {name: one, address: "%s"}
                    """.formatted(web, one.address()) + ConfigYaml.admin(new ConfigYaml.Token("ops", "admin", TOKEN));
            String optional = """
                    virtualServices:
                      - name: tcp-app
                        vips: [127.0.0.1]
                        listeners:
                          - {port: %d, pool: app}
                    dns:
                      listen: ["127.0.0.1:%d"]
                      zones:
                        - name: example.test
                          soa: {mname: ns1.example.test., rname: hostmaster.example.test., serial: 1}
                          records:
                            - {name: "@", type: NS, value: ns1.example.test.}
                    sites:
                      - name: local
                        vips:
                          - {address: "127.0.0.1:%d", listener: web}
                      - name: far
                        vips:
                          - {address: "127.0.0.1:%d", check: {type: tcp, interval: 200ms, timeout: 500ms, fall: 1}}
                    gslb:
                      site: local
                      bind: 127.0.0.1:%d
                    """.formatted(FreePorts.tcp(), FreePorts.udp("127.0.0.1"), web, FreePorts.tcp(), FreePorts.udp("127.0.0.1"));
            Path file = dir.resolve("follow.yaml");
            Files.writeString(file, base + optional);
            try (FulcrumNode node = FulcrumNode.create(ConfigLoader.load(file), file)) {
                node.start();
                URI admin = URI.create(node.service(AdminService.class).url());
                assertThat(optionalFamilies(http, admin)).contains(
                        "fulcrum_dns_truncated_replies_total", "fulcrum_l4_flows", "fulcrum_l4_flows_opened_total",
                        "fulcrum_gslb_site_up");

                Files.writeString(file, base);
                assertThat(reload(http, admin).statusCode()).isEqualTo(200);
                assertThat(optionalFamilies(http, admin)).isEmpty();

                Files.writeString(file, base + optional);
                assertThat(reload(http, admin).statusCode()).isEqualTo(200);
                assertThat(optionalFamilies(http, admin)).contains("fulcrum_dns_truncated_replies_total", "fulcrum_l4_flows",
                        "fulcrum_gslb_site_up");
            }
        }
    }

    /** The families of the scrape named {@code fulcrum_dns_*}, {@code fulcrum_l4_*} or {@code fulcrum_gslb_*}. */
    private static Set<String> optionalFamilies(HttpClient http, URI admin) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(admin.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        Set<String> out = new TreeSet<>();
        for (String f : MetricsText.parse(r.body(), MetricsText.Format.PROMETHEUS).families().keySet()) {
            if (f.startsWith("fulcrum_dns_") || f.startsWith("fulcrum_l4_") || f.startsWith("fulcrum_gslb_")) {
                out.add(f);
            }
        }
        return out;
    }

    private static HttpResponse<String> reload(HttpClient http, URI admin) throws Exception {
        return http.send(HttpRequest.newBuilder(admin.resolve("api/v1/reload")).header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
