package io.fulcrum.app;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code fulcrum demo --port 0} run in-process: the printed proxy URL serves all three
 * sample backends, {@code /sticky} keeps one, and stopping releases every port and
 * deletes the written configuration.
 */
class DemoCommandTest {

    private static final Pattern PROXY = Pattern.compile("(?m)^proxy: (http://127\\.0\\.0\\.1:(\\d+)/)$");
    private static final Pattern CONFIG = Pattern.compile("(?m)^config: (.+)$");
    private static final Pattern BACKEND = Pattern.compile("(?m)^backend (\\w+) \\(weight \\d+\\): http://127\\.0\\.0\\.1:(\\d+)/$");
    private static final Pattern CTL = Pattern.compile("(?m)^ctl: (.+ ctl backends)$");
    private static final Pattern H1 = Pattern.compile("<h1>(\\w+)</h1>");

    @Test
    void demoServesAllBackendsThroughTheProxyAndStopsCleanly() throws Exception {
        StringWriter out = new StringWriter(); // backed by a StringBuffer: safe to read while the demo writes
        StringWriter err = new StringWriter();
        CommandLine cmd = FulcrumCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        AtomicInteger exitCode = new AtomicInteger(-1);
        Thread demo = Thread.ofPlatform().name("demo-under-test")
                .start(() -> exitCode.set(cmd.execute("demo", "--port", "0", "--admin-port", "0", "--no-browser-hint")));
        try {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> PROXY.matcher(out.toString()).find() || !demo.isAlive());
            String printed = out.toString();
            Matcher proxy = PROXY.matcher(printed);
            assertThat(proxy.find()).as("proxy line; stdout:%n%s%nstderr:%n%s", printed, err).isTrue();
            URI proxyUri = URI.create(proxy.group(1));
            int proxyPort = Integer.parseInt(proxy.group(2));
            Matcher config = CONFIG.matcher(printed);
            assertThat(config.find()).isTrue();
            Path configFile = Path.of(config.group(1));
            assertThat(configFile).exists();
            assertThat(Files.readString(configFile)).contains("smooth-weighted-round-robin");
            assertThat(printed).contains("Press Ctrl-C to stop.").doesNotContain("in a browser");
            assertThat(printed).containsPattern("(?m)^dashboard: http://127\\.0\\.0\\.1:\\d+/ \\(token: \\S+\\)$");
            assertCtlLineRunsAsPrinted(printed);
            List<Integer> backendPorts = new ArrayList<>();
            Matcher backend = BACKEND.matcher(printed);
            while (backend.find()) {
                backendPorts.add(Integer.parseInt(backend.group(2)));
            }
            assertThat(backendPorts).hasSize(3);

            try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < 12; i++) {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(proxyUri.resolve("/page/" + i))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.body()).contains("/page/" + i);
                    seen.add(backendName(r.body()));
                }
                assertThat(seen).containsExactlyInAnyOrder("alpha", "beta", "gamma");
            }

            try (HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                    .connectTimeout(Duration.ofSeconds(5)).build()) {
                Set<String> sticky = new HashSet<>();
                for (int i = 0; i < 6; i++) {
                    HttpResponse<String> r = browser.send(HttpRequest.newBuilder(proxyUri.resolve("/sticky"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).isEqualTo(200);
                    sticky.add(backendName(r.body()));
                }
                assertThat(sticky).as("one backend behind the sticky cookie").hasSize(1);
            }

            demo.interrupt(); // what Ctrl-C does, without a signal
            demo.join(Duration.ofSeconds(30));
            assertThat(demo.isAlive()).isFalse();
            assertThat(exitCode.get()).as(err.toString()).isZero();
            assertThat(Sockets.listening(proxyPort)).as("proxy port closed").isFalse();
            for (int port : backendPorts) {
                assertThat(Sockets.listening(port)).as("backend port %d closed", port).isFalse();
            }
            assertThat(configFile.getParent()).doesNotExist();
        } finally {
            if (demo.isAlive()) {
                demo.interrupt();
                demo.join(Duration.ofSeconds(30));
            }
        }
    }

    /**
     * The printed {@code ctl} line is run by a shell exactly as a user would paste it, and
     * lists the demo's three backends (it once named a {@code fulcrum} command that is not on PATH).
     */
    private static void assertCtlLineRunsAsPrinted(String printed) throws Exception {
        Matcher ctl = CTL.matcher(printed);
        assertThat(ctl.find()).as("ctl line in:%n%s", printed).isTrue();
        Process shell = new ProcessBuilder("bash", "-c", ctl.group(1))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        String output = new String(shell.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(shell.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(shell.exitValue()).as("exit code of '%s'; output:%n%s", ctl.group(1), output).isZero();
        assertThat(output).contains("alpha", "beta", "gamma");
    }

    private static String backendName(String page) {
        Matcher m = H1.matcher(page);
        assertThat(m.find()).as("a sample backend page: %s", page).isTrue();
        return m.group(1);
    }
}
