package io.fulcrum.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.app.FulcrumCommand;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import picocli.CommandLine;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in headless Chromium on a running {@code fulcrum demo}: sign in with the
 * printed token, see the three healthy backends, drain one with a click and watch the
 * traffic move, see the charts drawn, and leave a screenshot under {@code target/}.
 */
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Pattern PROXY = Pattern.compile("(?m)^proxy: (http://127\\.0\\.0\\.1:\\d+/)$");
    private static final Pattern DASHBOARD = Pattern.compile("(?m)^dashboard: (http://127\\.0\\.0\\.1:\\d+/) \\(token: (\\S+)\\)$");

    @Test
    void theDashboardShowsTheDemoAndADrainClickMovesItsTraffic() throws Exception {
        assumeThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER))
                .as("Debian's chromium and chromium-driver are not installed (.ci/run installs them); skipping the browser test")
                .isTrue();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = FulcrumCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread demo = Thread.ofPlatform().name("demo-for-browser")
                .start(() -> exit.set(cmd.execute("demo", "--port", "0", "--admin-port", "0", "--no-browser-hint")));
        Path profile = Files.createTempDirectory("fulcrum-chromium-");
        WebDriver driver = null;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> DASHBOARD.matcher(out.toString()).find() || !demo.isAlive());
            Matcher d = DASHBOARD.matcher(out.toString());
            assertThat(d.find()).as("dashboard line; stdout:%n%s%nstderr:%n%s", out, err).isTrue();
            URI dashboard = URI.create(d.group(1));
            String token = d.group(2);
            Matcher p = PROXY.matcher(out.toString());
            assertThat(p.find()).isTrue();
            URI proxy = URI.create(p.group(1));

            driver = chromium(profile);
            driver.get(dashboard.toString());
            driver.findElement(By.id("login-token")).sendKeys(token);
            driver.findElement(By.id("login-button")).click();

            WebDriver browser = driver;
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                List<WebElement> rows = browser.findElements(By.cssSelector("#backends tbody tr"));
                assertThat(rows).hasSize(3);
                assertThat(rows).allSatisfy(r -> assertThat(r.getAttribute("data-health")).isEqualTo("up"));
            });
            assertThat(driver.findElement(By.id("who")).getText()).contains("demo").contains("admin");

            traffic(http, proxy, 30);
            await().atMost(Duration.ofSeconds(10)).until(() -> total(browser, "demo/alpha") > 0);

            driver.findElement(By.cssSelector("tr[data-backend='demo/alpha'] button.action-drain")).click();
            await().atMost(Duration.ofSeconds(10)).until(() -> List.of("draining", "drained").contains(
                    browser.findElement(By.cssSelector("tr[data-backend='demo/alpha']")).getAttribute("data-health")));
            long alpha = apiTotal(http, dashboard, token, "alpha");
            long beta = apiTotal(http, dashboard, token, "beta");
            traffic(http, proxy, 30);
            await().atMost(Duration.ofSeconds(10)).until(() -> total(browser, "demo/beta") >= beta + 10);
            assertThat(total(browser, "demo/alpha")).as("the drained backend gets no new traffic").isEqualTo(alpha);
            assertThat(apiTotal(http, dashboard, token, "alpha")).isEqualTo(alpha);
            await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElements(By.cssSelector("#events li[data-kind='admin.backend.drain']")).isEmpty());

            // A weight typed in the table and set with its button is fixed on the backend.
            WebElement weight = driver.findElement(By.cssSelector("tr[data-backend='demo/gamma'] input.weight-input"));
            weight.clear();
            weight.sendKeys("5");
            driver.findElement(By.cssSelector("tr[data-backend='demo/gamma'] button.action-weight")).click();
            await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(
                    By.cssSelector("tr[data-backend='demo/gamma'] td:nth-child(5)")).getText().equals("5 operator"));

            // The charts: Chart.js drew one line per backend with the sampled history.
            JavascriptExecutor js = (JavascriptExecutor) driver;
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                for (String id : List.of("chart-rps", "chart-latency", "chart-active")) {
                    Object n = js.executeScript("const c = Chart.getChart(document.getElementById(arguments[0]));"
                            + "return c ? c.data.datasets.filter(d => d.data.some(v => v !== null)).length : -1;", id);
                    assertThat(((Number) n).intValue()).as(id).isEqualTo(3);
                }
                Object maxRps = js.executeScript("const c = Chart.getChart(document.getElementById('chart-rps'));"
                        + "return Math.max(...c.data.datasets.flatMap(d => d.data.filter(v => v !== null)));");
                assertThat(((Number) maxRps).doubleValue()).isGreaterThan(0);
                Object width = js.executeScript("return document.getElementById('chart-rps').width;");
                assertThat(((Number) width).intValue()).isGreaterThan(100);
            });

            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Path target = Path.of("target", "dashboard.png");
            Files.createDirectories(target.getParent());
            Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertThat(Files.size(target)).isGreaterThan(1000);
        } finally {
            if (driver != null) {
                driver.quit();
            }
            demo.interrupt();
            demo.join(Duration.ofSeconds(30));
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        assertThat(exit.get()).as(err.toString()).isZero();
    }

    private static WebDriver chromium(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1600", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static void traffic(HttpClient http, URI proxy, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(proxy.resolve("/load/" + i))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        }
    }

    private static long total(WebDriver driver, String backend) {
        try {
            return Long.parseLong(driver.findElement(By.cssSelector("tr[data-backend='" + backend + "'] td.total")).getText().trim());
        } catch (RuntimeException e) {
            return -1; // the table is being redrawn
        }
    }

    private static long apiTotal(HttpClient http, URI dashboard, String token, String backend) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(dashboard.resolve("api/v1/pools/demo/backends/" + backend))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode b = new ObjectMapper().readTree(r.body());
        return b.get("totalRequests").asLong();
    }
}
