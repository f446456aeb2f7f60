package io.fulcrum.app.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.admin.AdminService;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.testsupport.EtcdProcess;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.NamedBackend;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.fulcrum.app.scale.ScaleDashboardBrowserTest.CHROMIUM;
import static io.fulcrum.app.scale.ScaleDashboardBrowserTest.DRIVER;
import static io.fulcrum.app.scale.ScaleDashboardBrowserTest.TOKEN;
import static io.fulcrum.app.scale.ScaleDashboardBrowserTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard's {@code proxy-tier} box in headless Chromium: on a cluster member (real etcd, controller)
 * with a proxy tier policy in dry run, under a bounded load that makes the leader decide a scale-out, the
 * box shows the tier's current and desired sizes as {@code GET /api/v1/scale} has them, charts its size over
 * time and lists the decision; on a node without a tier policy (an autoscaled pool only) there is no such box.
 */
class ProxyTierDashboardBrowserTest {

    private static final String IP = "127.0.31.1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static String tierNode(String etcd, int proxyPort, String backend) {
        return """
                server: {shutdownGrace: 200ms}
                accessLog: {enabled: false}
                listeners:
                  - name: web
                    bind: "%1$s:%2$d"
                    routes: [{name: all, pool: app}]
                pools:
                  - name: app
                    backends: [{address: "%3$s"}]
                admin:
                  bind: "%1$s:0"
                  tokens: [{name: ops, role: admin, token: %4$s}]
                cluster:
                  nodeId: edge1
                  roles: [proxy, controller]
                  leaseTtl: 3s
                  etcd: {endpoints: ["%5$s"], prefix: /tier-dashboard}
                  proxyTier:
                    autoscale:
                      provisioner:
                        exec:
                          command: [/bin/false]   # a dry run never calls it
                      target: 5
                      max: 3
                      interval: 1s
                      cooldown: 1s
                      dryRun: true
                controller: {enabled: true, interval: 500ms, leaseTtl: 3s}
                """.formatted(IP, proxyPort, backend, TOKEN, etcd);
    }

    @Test
    void theBoxShowsTheTiersSizesChartAndDecisionAndIsAbsentWithoutATierPolicy() throws Exception {
        assumeThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER))
                .as("Debian's chromium and chromium-driver are not installed (.ci/run installs them); skipping")
                .isTrue();
        Path profile = Files.createTempDirectory("fulcrum-chromium-");
        WebDriver driver = null;
        int proxyPort = FreePorts.tcp(IP);
        try (EtcdProcess etcd = EtcdProcess.single();
             NamedBackend backend = NamedBackend.start("one");
             FulcrumNode edge = FulcrumNode.create(ConfigLoader.parse(
                     tierNode(etcd.endpoint(), proxyPort, backend.address()), "edge1.yaml"), null);
             FulcrumNode pools = FulcrumNode.create(ConfigLoader.parse(
                     ScaleDashboardBrowserTest.config(true, null), "pools.yaml"), null)) {
            edge.start();
            pools.start();
            String admin = edge.service(AdminService.class).url();
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                    scale(admin).path("proxyTier").path("leads").asBoolean());
            driver = ScaleDashboardBrowserTest.chromium(profile);
            WebDriver browser = driver;
            String box = "[data-pool='proxy-tier']";
            // 12 requests/s on the only proxy node against a target of 5 a node: the leader decides a scale-out,
            // and the desired size stays above the current one while the load lasts.
            try (PacedLoad load = PacedLoad.start(URI.create("http://" + IP + ":" + proxyPort + "/"), 2, 6,
                    Duration.ofSeconds(90), 1_000)) {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                        scale(admin).path("proxyTier").path("lastDecision").path("reason").asText()
                                .startsWith("dry run, nothing done: scale out by"));
                assertThat(load.byBackend()).as("answered through the node").containsKey("one");

                ScaleDashboardBrowserTest.signIn(driver, edge);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(browser.findElement(By.id("scale-panel")).isDisplayed()).isTrue();
                    JsonNode tier = scale(admin).path("proxyTier");
                    assertThat(tier.path("desired").asInt()).isGreaterThan(tier.path("current").asInt());
                    assertThat(text(browser, box + " h3")).isEqualTo("proxy-tier");
                    assertThat(text(browser, box + " .scale-summary"))
                            .startsWith(tier.path("current").asInt() + " in service, desired "
                                    + tier.path("desired").asInt()
                                    + " (min 1, max 3, requestsPerNode (proxy tier, this node leads))")
                            .contains("dry run");
                    assertThat(text(browser, box + " .scale-steps"))
                            .contains("scale.decision").contains("dry run, nothing done: scale out by");
                    @SuppressWarnings("unchecked")
                    List<Long> points = (List<Long>) ((JavascriptExecutor) browser).executeScript(
                            "const c = Chart.getChart(document.querySelector(arguments[0] + ' canvas'));"
                                    + "return c ? [c.data.datasets[0].data.length, c.data.datasets[1].data.length,"
                                    + " Math.max(...c.data.datasets[1].data)] : [0, 0, 0];", box);
                    assertThat(points.get(0)).as("in-service points charted").isGreaterThan(3);
                    assertThat(points.get(1)).as("desired points charted").isEqualTo(points.get(0));
                    assertThat(points.get(2)).as("the desired size charted").isGreaterThan(1);
                });
            }

            // A node with an autoscaled pool and no tier policy: the panel, the pool's box, no proxy-tier box.
            ScaleDashboardBrowserTest.signIn(driver, pools);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(browser.findElement(By.id("scale-panel")).isDisplayed()).isTrue();
                assertThat(browser.findElements(By.cssSelector("[data-pool='web']"))).hasSize(1);
            });
            assertThat(browser.findElements(By.cssSelector(box))).as("no proxy tier on this node").isEmpty();
        } finally {
            if (driver != null) {
                driver.quit();
            }
            ScaleDashboardBrowserTest.deleteProfile(profile);
        }
    }

    private static JsonNode scale(String admin) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(admin + "api/v1/scale"))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}
