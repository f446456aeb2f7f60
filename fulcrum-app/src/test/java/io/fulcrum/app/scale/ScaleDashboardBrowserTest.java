package io.fulcrum.app.scale;

import io.fulcrum.admin.AdminService;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.testsupport.ConfigYaml;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.NamedBackend;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard's autoscaling panel in headless Chromium: hidden on a node without an autoscaled
 * pool, and on one with such a pool it shows the pool's sizes, a chart of its size over time and the
 * scaler's steps (the member it started).
 */
class ScaleDashboardBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final String TOKEN = "scale-dashboard-token-0123456789";

    /** A node whose pool {@code web} is autoscaled (in-process members), or has the one backend {@code fileBackend}. */
    static String config(boolean autoscaled, String fileBackend) {
        String pool = autoscaled ? """
                pools:
                  - name: web
                    autoscale:
                      provisioner: in-process
                      target: 1000
                      min: 2
                      max: 3
                      interval: 200ms
                      cooldown: 0s
                """ : """
                pools:
                  - name: web
                    backends:
                      - name: one
                        address: %s
                """.formatted(fileBackend);
        return ConfigYaml.quietNode() + ConfigYaml.webListener(FreePorts.tcp(), "web") + pool
                + ConfigYaml.admin(new ConfigYaml.Token("ops", "admin", TOKEN));
    }

    @Test
    void thePanelShowsAnAutoscaledPoolsSizeAndStepsAndIsHiddenWithoutOne() throws Exception {
        assumeThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER))
                .as("Debian's chromium and chromium-driver are not installed (.ci/run installs them); skipping")
                .isTrue();
        Path profile = Files.createTempDirectory("fulcrum-chromium-");
        WebDriver driver = null;
        try (NamedBackend one = NamedBackend.start("one");
             FulcrumNode plain = FulcrumNode.create(ConfigLoader.parse(config(false, one.address()), "p.yaml"), null);
             FulcrumNode scaled = FulcrumNode.create(ConfigLoader.parse(config(true, null), "s.yaml"), null)) {
            plain.start();
            scaled.start();
            driver = chromium(profile);
            WebDriver browser = driver;

            signIn(driver, plain);
            await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElements(
                    By.cssSelector("#backends tbody tr")).size() == 1);
            Thread.sleep(2500); // a few of the panel's polls
            assertThat(driver.findElement(By.id("scale-panel")).isDisplayed()).as("no autoscaled pool").isFalse();

            signIn(driver, scaled);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(browser.findElement(By.id("scale-panel")).isDisplayed()).isTrue();
                String summary = text(browser, "[data-pool='web'] .scale-summary");
                assertThat(summary).startsWith("2 in service, desired 2 (min 2, max 3, requestsPerBackend)");
                assertThat(text(browser, "[data-pool='web'] .scale-steps")).contains("scale.member.added");
                Object points = ((JavascriptExecutor) browser).executeScript(
                        "const c = Chart.getChart(document.querySelector(\"[data-pool='web'] canvas\"));"
                                + "return c ? c.data.datasets[0].data.length : 0;");
                assertThat(((Number) points).intValue()).as("size points charted").isGreaterThan(3);
            });
        } finally {
            if (driver != null) {
                driver.quit();
            }
            deleteProfile(profile);
        }
    }

    /** Removes a browser profile directory {@link #chromium} used. */
    static void deleteProfile(Path profile) throws java.io.IOException {
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** Opens the node's dashboard and signs in with the admin token. */
    static void signIn(WebDriver driver, FulcrumNode node) {
        driver.get(node.service(AdminService.class).url());
        ((JavascriptExecutor) driver).executeScript("sessionStorage.clear();");
        driver.navigate().refresh();
        driver.findElement(By.id("login-token")).sendKeys(TOKEN);
        driver.findElement(By.id("login-button")).click();
    }

    /** The text of the first element {@code css} selects, or "" when there is none. */
    static String text(WebDriver driver, String css) {
        return (String) ((JavascriptExecutor) driver).executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';", css);
    }

    /** Headless Chromium with its own profile directory. */
    static WebDriver chromium(Path profile) {
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
