package io.fulcrum.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.admin.AdminService;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.testsupport.ConfigYaml;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.testsupport.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard's stats in headless Chromium against real nodes with real backends and
 * traffic. On a node with only HTTP listeners ({@link StatsNode}): every cell of the stats
 * table is the value of {@code GET /api/v1/stats/table}, version and uptime are in the
 * header, the L4, GSLB, DNS, cluster and certificate panels are absent, and at 800 px the page
 * is no wider than the window; the plain {@code /stats} view renders the same table in a
 * Chromium with JavaScript turned off. On a node with a TLS listener, DNS and GSLB: the
 * certificate panel shows the days left the API gives, the DNS panel counts the {@code dig}
 * queries sent, the site whose VIP fails its check is named as down (and on {@code /stats}),
 * and the L4 virtual service has its row with the flow sent through it. Screenshots at 1400 and 800 px go to {@code target/}.
 */
class StatsDashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** Columns that move on their own between two reads (clock, health checks). */
    private static final Set<String> MOVING = Set.of("check_ms", "check_detail", "last_change_s", "downtime_s", "reason");

    @TempDir
    Path dir;

    @Test
    void theStatsTableShowsTheApisValuesOnlyConfiguredPanelsShowAndThePageFitsAt800() throws Exception {
        assumeChromium();
        WebDriver driver = null;
        WebDriver plain = null;
        try (StatsNode n = new StatsNode()) {
            n.drive();
            driver = chromium(dir.resolve("profile"), true);
            signIn(driver, n.admin, StatsNode.READ_TOKEN);
            WebDriver browser = driver;
            int rows = n.apiJson("stats/table").get("rows").size();
            await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElements(By.cssSelector("#stats tbody tr")).size() == rows);

            // The page redraws every second; the values compared do not move without traffic.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertTableIsTheApis(browser, n.apiJson("stats/table")));
            JsonNode status = n.apiJson("status");
            assertThat(text(driver, "#version")).isEqualTo("version " + status.get("version").asText());
            assertThat(text(driver, "#uptime")).startsWith("up ");

            for (int width : List.of(1400, 800)) {
                driver.manage().window().setSize(new Dimension(width, 1400));
                long seen = refreshed(driver);
                await().atMost(Duration.ofSeconds(10)).until(() -> refreshed(browser) > seen);
                for (String panel : List.of("sites-panel", "cluster-panel", "gslb", "l4", "dns-panel", "certs-panel")) {
                    assertThat(displayed(driver, panel)).as(panel + " at " + width + " px").isFalse();
                }
                for (String panel : List.of("services-panel", "pools-panel", "backends-panel", "stats-panel")) {
                    assertThat(displayed(driver, panel)).as(panel + " at " + width + " px").isTrue();
                }
                assertFitsTheWindow(driver, width);
                screenshot(driver, Path.of("target", "dashboard-stats-" + width + ".png"));
            }

            // The plain view in a browser that runs no script: the credentials go in the URL, as Basic.
            plain = chromium(dir.resolve("plain-profile"), false);
            plain.manage().window().setSize(new Dimension(800, 1400));
            plain.get("http://viewer:" + StatsNode.READ_TOKEN + "@" + n.admin.getAuthority() + "/stats");
            JsonNode table = n.apiJson("stats/table");
            assertThat(plain.findElements(By.cssSelector("#stats-table tbody tr"))).hasSize(table.get("rows").size());
            assertThat(plain.findElement(By.id("version")).getText()).isEqualTo(table.get("version").asText());
            assertThat(plain.findElement(By.cssSelector("#stats-table tbody tr.kind-pool.status-up td:nth-child(3)")).getText())
                    .isEqualTo("app");
            assertThat(plain.findElement(By.cssSelector("#stats-table thead th[data-key='queue_max']")).getText())
                    .isEqualTo("Queue max");
            screenshot(plain, Path.of("target", "stats-page-800.png"));
        } finally {
            if (driver != null) {
                driver.quit();
            }
            if (plain != null) {
                plain.quit();
            }
        }
    }

    @Test
    void aNodeWithTlsDnsAndGslbShowsCertificatesDaysLeftDnsCountersAndTheSiteThatIsDown() throws Exception {
        assumeChromium();
        assumeThat(TestCertificates.opensslAvailable()).as("openssl makes the test certificate").isTrue();
        assumeThat(Files.isExecutable(Path.of("/usr/bin/dig"))).as("dig sends the DNS queries").isTrue();
        TestCertificates.Pair cert = TestCertificates.selfSigned(dir, "web", "web.example.test", "DNS:web.example.test");
        int dnsPort = FreePorts.udp("127.0.0.1");
        int secure = FreePorts.tcp();
        int l4Port = FreePorts.tcp();
        String token = "tls-dns-token-0123456789";
        WebDriver driver = null;
        try (NamedBackend one = NamedBackend.start("one", 200)) {
            String yaml = """
                    server:
                      shutdownGrace: 200ms
                    accessLog:
                      enabled: false
                    listeners:
                      - name: secure
                        bind: 127.0.0.1:%1$d
                        tls:
                          certificates:
                            - {certFile: "%2$s", keyFile: "%3$s"}
                        routes: [{name: all, pool: app}]
                    pools:
                      - name: app
                        backends:
                          - {name: one, address: "%4$s"}
                    virtualServices:
                      - name: tcp-app
                        vips: [127.0.0.1]
                        listeners:
                          - {port: %8$d, pool: app}
                    sites:
                      - name: local
                        vips:
                          - {address: "127.0.0.1:%1$d", listener: secure}
                      - name: far
                        vips:
                          - {address: "127.0.0.1:%6$d", check: {type: tcp, interval: 200ms, timeout: 500ms, fall: 1}}
                    gslb:
                      site: local
                      bind: 127.0.0.1:%7$d
                    dns:
                      listen: ["127.0.0.1:%5$d"]
                      zones:
                        - name: example.test
                          soa: {mname: ns1.example.test., rname: hostmaster.example.test., serial: 1}
                          records:
                            - {name: "@", type: NS, value: ns1.example.test.}
                            - {name: ns1, type: A, value: 127.0.0.1}
                    """.formatted(secure, cert.certFile(), cert.keyFile(), one.address(), dnsPort, FreePorts.tcp(),
                    FreePorts.udp("127.0.0.1"), l4Port)
                    + ConfigYaml.admin(new ConfigYaml.Token("ops", "read", token));
            Path file = dir.resolve("tls-dns.yaml");
            Files.writeString(file, yaml);
            try (FulcrumNode node = FulcrumNode.create(ConfigLoader.load(file), file);
                 HttpClient http = HttpClient.newHttpClient()) {
                node.start();
                URI admin = URI.create(node.service(AdminService.class).url());
                for (int i = 0; i < 3; i++) {
                    dig(dnsPort, "ns1.example.test");
                }
                // One flow through the L4 virtual service to the same backend.
                try (java.net.Socket flow = new java.net.Socket("127.0.0.1", l4Port)) {
                    flow.getOutputStream().write("GET / HTTP/1.1\r\nHost: one\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    assertThat(new String(flow.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).endsWith("one");
                }
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(json(http, admin, token, "stats/table")
                        .get("rows").findValues("kind").toString()).contains("virtual-service"));
                JsonNode certs = json(http, admin, token, "certificates");
                assertThat(certs).hasSize(1);
                assertThat(certs.get(0).get("names").toString()).contains("web.example.test");
                JsonNode dns = json(http, admin, token, "dns/stats");
                assertThat(dns.get("udpQueries").asLong()).isEqualTo(3);
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    Map<String, Boolean> up = new java.util.TreeMap<>();
                    json(http, admin, token, "gslb/sites").forEach(x -> up.put(x.get("name").asText(), x.get("up").asBoolean()));
                    assertThat(up).isEqualTo(Map.of("far", false, "local", true));
                });
                HttpResponse<String> page = http.send(HttpRequest.newBuilder(admin.resolve("/stats"))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(org.jsoup.Jsoup.parse(page.body()).select("#down-sites li").eachText()).containsExactly("far");
                // Whole days left turn over while the test runs: the page shows the API's figure of just before
                // it was read, or of just after.
                assertThat(org.jsoup.Jsoup.parse(page.body()).select("#certificates tbody td.num").text())
                        .isIn(certs.get(0).get("daysLeft").asText(),
                                json(http, admin, token, "certificates").get(0).get("daysLeft").asText());

                driver = chromium(dir.resolve("profile"), true);
                signIn(driver, admin, token);
                WebDriver browser = driver;
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    assertThat(displayed(browser, "certs-panel")).isTrue();
                    assertThat(displayed(browser, "dns-panel")).isTrue();
                    // Read again now: whole days left turn over while the test runs (the certificate is made for 2 days).
                    assertThat(text(browser, "#certs tbody tr td.days-left"))
                            .isEqualTo(json(http, admin, token, "certificates").get(0).get("daysLeft").asText());
                    assertThat(text(browser, "#dns tbody tr[data-counter='UDP queries'] td.num")).isEqualTo("3");
                    assertThat(text(browser, "#dns tbody tr[data-counter='Queries A'] td.num")).isEqualTo("3");
                    assertThat(displayed(browser, "sites-panel")).isTrue();
                    assertThat(text(browser, "#sites-down")).isEqualTo("Down: far");
                    assertThat(browser.findElements(By.cssSelector("#sites tr.site-down[data-site='far']"))).hasSize(1);
                    assertThat(displayed(browser, "l4")).isTrue();
                    assertTableIsTheApis(browser, json(http, admin, token, "stats/table"));
                });
                JsonNode flows = null;
                for (JsonNode r : json(http, admin, token, "stats/table").get("rows")) {
                    if (r.get("kind").asText().equals("virtual-service")) {
                        flows = r;
                    }
                }
                assertThat(flows.get("name").asText()).isEqualTo("tcp-app");
                assertThat(flows.get("sessions_total").asLong()).isEqualTo(1);
                assertThat(displayed(driver, "cluster-panel")).isFalse();
                for (int width : List.of(1400, 800)) {
                    driver.manage().window().setSize(new Dimension(width, 1400));
                    long seen = refreshed(driver);
                    await().atMost(Duration.ofSeconds(10)).until(() -> refreshed(browser) > seen);
                    assertFitsTheWindow(driver, width);
                    screenshot(driver, Path.of("target", "dashboard-tls-dns-" + width + ".png"));
                }
            }
        } finally {
            if (driver != null) {
                driver.quit();
            }
        }
    }

    /** Every cell of the dashboard's stats table is the API's value as text (empty for null), moving columns aside. */
    @SuppressWarnings("unchecked")
    private static void assertTableIsTheApis(WebDriver driver, JsonNode table) {
        Map<String, Map<String, String>> shown = (Map<String, Map<String, String>>) ((JavascriptExecutor) driver).executeScript("""
                const out = {};
                for (const tr of document.querySelectorAll('#stats tbody tr')) {
                  const cells = {};
                  for (const td of tr.querySelectorAll('td')) cells[td.dataset.key] = td.textContent;
                  out[tr.dataset.row] = cells;
                }
                return out;
                """);
        assertThat(shown).hasSize(table.get("rows").size());
        for (JsonNode row : table.get("rows")) {
            String key = row.get("kind").asText() + "/" + row.get("pool").asText("") + "/" + row.get("name").asText();
            Map<String, String> cells = shown.get(key);
            assertThat(cells).as("row " + key).isNotNull();
            for (JsonNode c : table.get("columns")) {
                String k = c.get("key").asText();
                JsonNode v = row.get(k);
                if (MOVING.contains(k)) {
                    assertThat(cells.get(k).isEmpty()).as(key + " " + k + " empty as in the API").isEqualTo(v.isNull());
                } else {
                    assertThat(cells.get(k)).as(key + " " + k).isEqualTo(v.isNull() ? "" : v.asText());
                }
            }
        }
    }

    /** The page does not scroll sideways: its width is at most the window's (what is wider scrolls inside its panel). */
    @SuppressWarnings("unchecked")
    private static void assertFitsTheWindow(WebDriver driver, int width) {
        Map<String, Object> r = (Map<String, Object>) ((JavascriptExecutor) driver).executeScript(
                "return { scroll: document.documentElement.scrollWidth, inner: window.innerWidth };");
        assertThat(((Number) r.get("inner")).intValue()).isLessThanOrEqualTo(width);
        assertThat(((Number) r.get("scroll")).intValue()).as("page width at a %d px window", width)
                .isLessThanOrEqualTo(((Number) r.get("inner")).intValue());
    }

    private static void dig(int port, String name) throws Exception {
        Process p = new ProcessBuilder("dig", "@127.0.0.1", "-p", String.valueOf(port), "+short", "+tries=1", "+time=3",
                name, "A").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(out).isEqualTo("127.0.0.1");
    }

    private static JsonNode json(HttpClient http, URI admin, String token, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(admin.resolve("api/v1/" + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return StatsNode.JSON.readTree(r.body());
    }

    private static void signIn(WebDriver driver, URI admin, String token) {
        driver.get(admin.toString());
        driver.findElement(By.id("login-token")).sendKeys(token);
        driver.findElement(By.id("login-button")).click();
    }

    private static boolean displayed(WebDriver driver, String id) {
        return driver.findElement(By.id(id)).isDisplayed();
    }

    private static String text(WebDriver driver, String css) {
        return (String) ((JavascriptExecutor) driver).executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null;", css);
    }

    private static long refreshed(WebDriver driver) {
        Object v = ((JavascriptExecutor) driver).executeScript("return Number(document.body.dataset.refreshed || 0);");
        return ((Number) v).longValue();
    }

    private static void screenshot(WebDriver driver, Path target) throws Exception {
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(target)).isGreaterThan(1000);
    }

    private static void assumeChromium() {
        assumeThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER))
                .as("Debian's chromium and chromium-driver are not installed (.ci/run installs them); skipping the browser test")
                .isTrue();
    }

    private static WebDriver chromium(Path profile, boolean javascript) throws Exception {
        Files.createDirectories(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1400", "--user-data-dir=" + profile);
        if (!javascript) {
            options.setExperimentalOption("prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
        }
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
