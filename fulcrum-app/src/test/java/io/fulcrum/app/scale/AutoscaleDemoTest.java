package io.fulcrum.app.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.app.FulcrumCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code fulcrum demo --autoscale} run in-process: its pool starts with one member process, grows
 * when a load comes (as the admin API, which the dashboard reads, shows), shrinks back when the load
 * ends, and stopping the demo stops every member process.
 */
class AutoscaleDemoTest {

    private static final Pattern PROXY = Pattern.compile("(?m)^proxy: (http://127\\.0\\.0\\.1:\\d+/)$");
    private static final Pattern DASHBOARD = Pattern.compile("(?m)^dashboard: (http://127\\.0\\.0\\.1:\\d+/) \\(token: (\\S+)\\)$");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theDemosPoolGrowsUnderALoadAndShrinksAfter() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = FulcrumCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        AtomicInteger exit = new AtomicInteger(-1);
        Set<Long> before = demoMembers();
        Thread demo = Thread.ofPlatform().name("autoscale-demo").start(() -> exit.set(cmd.execute("demo",
                "--autoscale", "--port", "0", "--admin-port", "0")));
        try (HttpClient http = HttpClient.newHttpClient()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> DASHBOARD.matcher(out.toString()).find()
                    || !demo.isAlive());
            String printed = out.toString();
            Matcher proxy = PROXY.matcher(printed);
            Matcher dashboard = DASHBOARD.matcher(printed);
            assertThat(proxy.find() && dashboard.find()).as("stdout:%n%s%nstderr:%n%s", printed, err).isTrue();
            assertThat(printed).contains("load: h2load");
            URI api = URI.create(dashboard.group(1)).resolve("api/v1/scale");
            String token = dashboard.group(2);

            await().atMost(Duration.ofSeconds(30)).until(() -> current(http, api, token) == 1);
            try (PacedLoad load = PacedLoad.start(URI.create(proxy.group(1)), 8, 12, Duration.ofSeconds(120), 15_000)) {
                await().atMost(Duration.ofSeconds(90)).until(() -> current(http, api, token) >= 3);
                assertThat(load.failed()).as("%s", load.failures()).isZero();
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> current(http, api, token) == 1);
            JsonNode pool = JSON.readTree(get(http, api, token)).path("pools").path("demo");
            assertThat(pool.path("history").size()).isGreaterThan(10);
            assertThat(pool.path("steps").toString()).contains("scale.in.drained").contains("scale.member.added");
        } finally {
            demo.interrupt();
            demo.join(Duration.ofSeconds(30));
        }
        assertThat(exit.get()).isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> before.containsAll(demoMembers()));
    }

    private static String get(HttpClient http, URI api, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(api).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private static int current(HttpClient http, URI api, String token) throws Exception {
        return JSON.readTree(get(http, api, token)).path("pools").path("demo").path("current").asInt(-1);
    }

    /** Demo member processes of this JVM now. */
    private static Set<Long> demoMembers() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains("demo-backend"))
                .map(ProcessHandle::pid).collect(Collectors.toSet());
    }
}
