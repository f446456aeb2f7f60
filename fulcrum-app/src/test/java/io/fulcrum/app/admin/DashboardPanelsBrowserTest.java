package io.fulcrum.app.admin;

import io.fulcrum.testsupport.ConfigYaml;
import io.fulcrum.testsupport.NamedBackend;
import io.fulcrum.admin.AdminService;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in headless Chromium on a node shaped like the demo (one listener with
 * several routes, one pool, no L4, GSLB or DNS) whose pool has a backend on a closed port:
 * no panels for parts that are not configured, the down backend's failed check in its row,
 * and at 800 and 1400 px the services panel's content stays inside that panel. Screenshots
 * go to {@code target/}.
 */
class DashboardPanelsBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final String TOKEN = "panels-test-token-0123456789";

    @Test
    void onlyConfiguredPartsHavePanelsADownBackendSaysWhyAndServicesStayInTheirPanel() throws Exception {
        assumeThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER))
                .as("Debian's chromium and chromium-driver are not installed (.ci/run installs them); skipping the browser test")
                .isTrue();
        int closed = FreePorts.tcp(); // nothing listens there
        Path profile = Files.createTempDirectory("fulcrum-chromium-");
        WebDriver driver = null;
        try (NamedBackend alpha = NamedBackend.start("alpha", 200);
             NamedBackend beta = NamedBackend.start("beta", 200);
             FulcrumNode node = FulcrumNode.create(ConfigLoader.parse(demoLike(alpha.address(), beta.address(), closed),
                     "demo-like.yaml"), null)) {
            node.start();
            driver = chromium(profile);
            driver.get(node.service(AdminService.class).url());
            driver.findElement(By.id("login-token")).sendKeys(TOKEN);
            driver.findElement(By.id("login-button")).click();

            WebDriver browser = driver;
            String gone = "tr[data-backend='demo/gone']";
            // The note is redrawn every second (its age changes), so it is read in one script call, not held.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(browser.findElements(By.cssSelector("#backends tbody tr"))).hasSize(3);
                assertThat(visibleText(browser, gone)).isNotNull();
                assertThat(visibleText(browser, gone + "[data-health='down']")).isNotNull();
                assertThat(visibleText(browser, gone + " .check-failed"))
                        .contains("tcp check failed").contains("connection refused").contains("s ago");
                assertThat(browser.findElements(By.cssSelector("#services tbody tr"))).hasSize(1);
            });
            assertThat(visibleText(driver, "tr[data-backend='demo/alpha'] .check-failed"))
                    .as("a passing backend carries no failure note").isNull();

            for (int width : List.of(1400, 800)) {
                driver.manage().window().setSize(new Dimension(width, 1400));
                long seen = refreshed(driver);
                await().atMost(Duration.ofSeconds(10)).until(() -> refreshed(browser) > seen);
                for (String panel : List.of("gslb", "l4", "sites-panel", "cluster-panel")) {
                    assertThat(driver.findElement(By.id(panel)).isDisplayed()).as(panel + " at " + width + " px").isFalse();
                }
                assertThat(driver.findElement(By.id("services-panel")).isDisplayed()).isTrue();
                assertContentInside(driver, "services-panel", "pools-panel", width);
                assertContentInside(driver, "pools-panel", "services-panel", width);
                screenshot(driver, Path.of("target", "dashboard-panels-" + width + ".png"));
            }
        } finally {
            if (driver != null) {
                driver.quit();
            }
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** The demo's listener and pool with more routes, a health check, and a third backend on a closed port. */
    private static String demoLike(String alpha, String beta, int closed) {
        return """
                accessLog:
                  enabled: false
                listeners:
                  - name: demo
                    bind: 127.0.0.1:%d
                    routes:
                      - name: sticky
                        match: {pathPrefix: /sticky}
                        pool: demo
                        stickiness: {enabled: true, mode: cookie, cookieName: FULCRUM_DEMO}
                      - name: api-orders
                        match: {pathPrefix: /api/orders}
                        pool: demo
                      - name: api-customers
                        match: {pathPrefix: /api/customers}
                        pool: demo
                      - name: static-assets
                        match: {pathPrefix: /static}
                        pool: demo
                      - name: default
                        pool: demo
                pools:
                  - name: demo
                    algorithm: smooth-weighted-round-robin
                    health:
                      checks:
                        - type: tcp
                          interval: 200ms
                          timeout: 500ms
                          fall: 1
                    backends:
                      - name: alpha
                        address: %s
                      - name: beta
                        address: %s
                      - name: gone
                        address: 127.0.0.1:%d
                """.formatted(FreePorts.tcp(), alpha, beta, closed)
                + ConfigYaml.admin(new ConfigYaml.Token("demo", "admin", TOKEN));
    }

    /**
     * Every element inside {@code panelId} (the panel's table, its cells, the route names)
     * lies within the panel's box, the panel's box does not overlap {@code otherId}'s, and
     * the panel ends inside the window (the page does not scroll sideways).
     */
    @SuppressWarnings("unchecked")
    private static void assertContentInside(WebDriver driver, String panelId, String otherId, int width) {
        Map<String, Object> r = (Map<String, Object>) ((JavascriptExecutor) driver).executeScript("""
                const panel = document.getElementById(arguments[0]);
                const other = document.getElementById(arguments[1]);
                const box = panel.getBoundingClientRect();
                const o = other.getBoundingClientRect();
                const outside = [];
                for (const e of panel.querySelectorAll('*')) {
                  const b = e.getBoundingClientRect();
                  if (b.width === 0 && b.height === 0) continue;
                  if (b.left < box.left - 0.5 || b.right > box.right + 0.5 || b.top < box.top - 0.5 || b.bottom > box.bottom + 0.5) {
                    outside.push(e.tagName + '.' + e.className + ' "' + e.textContent.slice(0, 40) + '" right ' + b.right);
                  }
                }
                const overlap = box.left < o.right && o.left < box.right && box.top < o.bottom && o.top < box.bottom;
                const viewport = document.documentElement.clientWidth;
                return { outside, overlap, panelRight: box.right, scrollWidth: panel.scrollWidth, clientWidth: panel.clientWidth,
                         viewport, pageWidth: document.documentElement.scrollWidth };
                """, panelId, otherId);
        assertThat((List<String>) r.get("outside")).as("elements of %s drawn outside it at %d px (panel right %s)",
                panelId, width, r.get("panelRight")).isEmpty();
        assertThat((Boolean) r.get("overlap")).as("%s overlaps %s at %d px", panelId, otherId, width).isFalse();
        assertThat(((Number) r.get("scrollWidth")).intValue()).as("%s needs no horizontal scrolling at %d px", panelId, width)
                .isLessThanOrEqualTo(((Number) r.get("clientWidth")).intValue());
        // A panel pushed past the window's edge (the page grown wider than the window) is no fix either.
        assertThat(((Number) r.get("panelRight")).doubleValue()).as("%s ends inside the %d px window", panelId, width)
                .isLessThanOrEqualTo(((Number) r.get("viewport")).doubleValue() + 0.5);
        assertThat(((Number) r.get("pageWidth")).intValue()).as("the page scrolls sideways at %d px", width)
                .isLessThanOrEqualTo(((Number) r.get("viewport")).intValue());
    }

    /** The text of the first element matching {@code css} if it is drawn (has a box), else null. */
    private static String visibleText(WebDriver driver, String css) {
        return (String) ((JavascriptExecutor) driver).executeScript(
                "const e = document.querySelector(arguments[0]);"
                        + "return e && e.getClientRects().length > 0 ? e.innerText : null;", css);
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

    private static WebDriver chromium(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1400", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
