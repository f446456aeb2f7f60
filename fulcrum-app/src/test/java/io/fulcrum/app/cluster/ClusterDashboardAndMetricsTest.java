package io.fulcrum.app.cluster;

import io.fulcrum.admin.AdminService;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.testsupport.EtcdProcess;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * A cluster member on a real etcd as the operator sees it beyond the API: {@code /metrics}
 * counts the members by state and says this node leads, a reload that moves the listener
 * moves the registered address, and the dashboard (headless
 * Chromium) shows the cluster panel with this node up and marked leader.
 */
class ClusterDashboardAndMetricsTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final String TOKEN = "cluster-dashboard-token-0123456789";

    @Test
    void metricsCountMembersTheRegistrationFollowsAReloadAndTheDashboardShowsThePanel() throws Exception {
        int firstPort = FreePorts.tcp();
        try (EtcdProcess etcd = EtcdProcess.single();
             FulcrumNode node = FulcrumNode.create(ConfigLoader.parse(config(etcd.endpoint(), firstPort), "solo.yaml"),
                     null)) {
            node.start();
            String admin = node.service(AdminService.class).url();
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String metrics = http.send(HttpRequest.newBuilder(URI.create(admin + "metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(metrics).contains("fulcrum_cluster_members{state=\"up\"} 1.0")
                        .contains("fulcrum_cluster_members{state=\"failed\"} 0.0")
                        .contains("fulcrum_cluster_is_leader 1.0");
            });

            // A reload that moves the listener: the registration says where the node serves now.
            assertThat(proxyAddresses(http, admin)).containsExactly("127.0.0.1:" + firstPort);
            int movedPort = FreePorts.tcp();
            node.offer(ConfigLoader.parse(config(etcd.endpoint(), movedPort), "solo.yaml"), "test", "moved listener");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(proxyAddresses(http, admin)).containsExactly("127.0.0.1:" + movedPort));

            assumeThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER))
                    .as("Debian's chromium and chromium-driver are not installed (.ci/run installs them)").isTrue();
            Path profile = Files.createTempDirectory("fulcrum-chromium-");
            WebDriver driver = chromium(profile);
            try {
                driver.get(admin);
                driver.findElement(By.id("login-token")).sendKeys(TOKEN);
                driver.findElement(By.id("login-button")).click();
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
                    assertThat(driver.findElement(By.id("cluster-panel")).isDisplayed()).isTrue();
                    List<WebElement> rows = driver.findElements(By.cssSelector("#cluster tbody tr[data-node='solo']"));
                    assertThat(rows).hasSize(1);
                    assertThat(rows.getFirst().getAttribute("data-state")).isEqualTo("up");
                    assertThat(rows.getFirst().getText()).contains("solo (leader) (here)").contains("proxy, controller");
                });
            } finally {
                driver.quit();
                try (var files = Files.walk(profile)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    /** The proxy addresses of this node's registration, as the cluster view shows them. */
    private static List<String> proxyAddresses(HttpClient http, String admin) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(admin + "api/v1/cluster/nodes"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body();
        var nodes = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("nodes");
        List<String> out = new java.util.ArrayList<>();
        nodes.get(0).path("addresses").path("proxy").forEach(a -> out.add(a.asText()));
        return out;
    }

    private static String config(String etcd, int port) {
        return """
                accessLog: {enabled: false}
                listeners:
                  - name: web
                    bind: 127.0.0.1:%d
                    routes: [{name: all, pool: web}]
                pools:
                  - name: web
                    backends: [{address: "127.0.0.1:9"}]
                admin:
                  bind: 127.0.0.1:0
                  tokens: [{name: ops, role: admin, token: %s}]
                cluster:
                  nodeId: solo
                  roles: [proxy, controller]
                  leaseTtl: 3s
                  etcd: {endpoints: ["%s"], prefix: /dashboard-test}
                """.formatted(port, TOKEN, etcd);
    }

    private static WebDriver chromium(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1400", "--user-data-dir=" + profile);
        return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build(), options);
    }
}
