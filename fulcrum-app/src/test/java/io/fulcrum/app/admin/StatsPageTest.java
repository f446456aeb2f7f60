package io.fulcrum.app.admin;

import com.fasterxml.jackson.databind.JsonNode;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.fulcrum.app.admin.StatsNode.rowKey;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stats table over real sockets, on a node with real backends after real traffic: each
 * counter equals what the traffic did (answers by class and bytes per backend, retries,
 * a redispatch, the queue's peak, a down backend's failed check and downtime), and the JSON,
 * the CSV ({@code /api/v1/stats.csv} and {@code /stats;csv}) and the server-rendered
 * {@code /stats} page show the same rows and values. The page takes Basic credentials, the
 * API does not; a node without L4, GSLB or DNS does not report them.
 */
class StatsPageTest {

    /** Columns that move on their own between two reads (clock, health checks). */
    private static final Set<String> MOVING = Set.of("check_ms", "check_detail", "last_change_s", "downtime_s", "reason");

    private static StatsNode n;

    @BeforeAll
    static void start() throws Exception {
        n = new StatsNode();
        n.drive();
    }

    @AfterAll
    static void stop() throws Exception {
        if (n != null) {
            n.close();
        }
    }

    @Test
    void theCountersAreWhatTheTrafficDid() throws Exception {
        JsonNode table = n.apiJson("stats/table");
        Map<String, JsonNode> rows = n.tableRows(table);
        assertThat(table.get("uptimeSeconds").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(table.get("version").asText()).isNotBlank();

        JsonNode web = rows.get(rowKey("listener", "", "web"));
        int total = StatsNode.DEFAULT_REQUESTS + StatsNode.RETRY_REQUESTS + 3 + StatsNode.QUEUED + 1;
        assertThat(web.get("requests").asLong()).isEqualTo(total);
        assertThat(web.get("sessions_limit").asInt()).isEqualTo(500);
        assertThat(web.get("sessions_max").asInt()).isGreaterThanOrEqualTo(StatsNode.QUEUED + 1);
        assertThat(web.get("http_4xx").asLong()).isEqualTo(n.beta.requests());
        assertThat(web.get("http_2xx").asLong()).isEqualTo(total - n.beta.requests());
        assertThat(web.get("errors").asLong()).isZero();

        JsonNode alpha = rows.get(rowKey("backend", "app", "alpha"));
        JsonNode beta = rows.get(rowKey("backend", "app", "beta"));
        assertThat(alpha.get("http_2xx").asLong()).isEqualTo(n.alpha.requests()).isPositive();
        assertThat(beta.get("http_4xx").asLong()).isEqualTo(n.beta.requests()).isPositive();
        assertThat(alpha.get("http_2xx").asLong() + beta.get("http_4xx").asLong()).isEqualTo(StatsNode.DEFAULT_REQUESTS);
        // Each backend answers its own name as the body.
        assertThat(alpha.get("bytes_out").asLong()).isEqualTo(5L * n.alpha.requests());
        assertThat(beta.get("bytes_out").asLong()).isEqualTo(4L * n.beta.requests());
        assertThat(alpha.get("weight").asInt()).isEqualTo(1);
        assertThat(beta.get("weight").asInt()).isEqualTo(2);
        assertThat(beta.get("weight_origin").asText()).isEqualTo("config");
        assertThat(alpha.get("check").asText()).isEqualTo("tcp ok");

        JsonNode gone = rows.get(rowKey("backend", "app", "gone"));
        assertThat(gone.get("status").asText()).isEqualTo("down");
        assertThat(gone.get("check").asText()).isEqualTo("tcp failed");
        assertThat(gone.get("reason").asText()).startsWith("tcp check:").containsIgnoringCase("refused");
        assertThat(gone.get("check_ms").isNumber()).isTrue();
        assertThat(gone.get("downs").asInt()).isEqualTo(1);
        assertThat(gone.get("downtime_s").asLong()).isLessThanOrEqualTo(table.get("uptimeSeconds").asLong() + 1);
        assertThat(gone.get("http_2xx").asLong()).isZero();
        JsonNode app = rows.get(rowKey("pool", "app", "app"));
        assertThat(app.get("status").asText()).isEqualTo("up");
        assertThat(app.get("requests").asLong()).isEqualTo(StatsNode.DEFAULT_REQUESTS);
        assertThat(app.get("weight").asInt()).isEqualTo(1 + 2 + 1);

        JsonNode dead = rows.get(rowKey("backend", "flaky", "dead"));
        JsonNode live = rows.get(rowKey("backend", "flaky", "live"));
        assertThat(dead.get("retries").asLong()).isPositive().isEqualTo(dead.get("errors").asLong());
        assertThat(live.get("http_2xx").asLong()).isEqualTo(StatsNode.RETRY_REQUESTS);
        assertThat(rows.get(rowKey("pool", "flaky", "flaky")).get("retries").asLong()).isEqualTo(dead.get("retries").asLong());

        String disabled = n.disabledStickyBackend();
        JsonNode away = rows.get(rowKey("backend", "sticky", disabled));
        assertThat(away.get("redispatches").asLong()).isEqualTo(1);
        assertThat(away.get("status").asText()).isEqualTo("disabled");
        assertThat(away.get("reason").asText()).isEqualTo("disabled through the admin API");

        JsonNode slow = rows.get(rowKey("pool", "slow", "slow"));
        assertThat(slow.get("queue_current").asInt()).isZero();
        assertThat(slow.get("queue_max").asInt()).isEqualTo(StatsNode.QUEUED);
        assertThat(slow.get("queue_limit").asInt()).isEqualTo(10);
        JsonNode held = rows.get(rowKey("backend", "slow", "held"));
        assertThat(held.get("sessions_max").asInt()).isEqualTo(1);
        assertThat(held.get("sessions_limit").asInt()).isEqualTo(1);
        assertThat(held.get("sessions_total").asLong()).isEqualTo(StatsNode.QUEUED + 1);
    }

    @Test
    void theCsvAndThePageShowTheTableOfTheApi() throws Exception {
        JsonNode table = n.apiJson("stats/table");
        List<String> keys = new ArrayList<>();
        table.get("columns").forEach(c -> keys.add(c.get("key").asText()));

        HttpResponse<String> csv = n.api("GET", "stats.csv");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("content-type").orElseThrow()).startsWith("text/csv");
        List<List<String>> lines = parseCsv(csv.body());
        assertThat(lines.getFirst()).isEqualTo(keys);
        assertSameRows(table, lines.subList(1, lines.size()), keys, "CSV");

        HttpResponse<String> pageCsv = get("/stats;csv", basic("anyone", StatsNode.READ_TOKEN));
        assertThat(pageCsv.statusCode()).isEqualTo(200);
        List<List<String>> pageLines = parseCsv(pageCsv.body());
        assertThat(pageLines.getFirst()).isEqualTo(keys);
        assertSameRows(table, pageLines.subList(1, pageLines.size()), keys, "/stats;csv");

        HttpResponse<String> page = get("/stats", basic("ops", StatsNode.READ_TOKEN));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type").orElseThrow()).startsWith("text/html");
        assertThat(page.headers().firstValue("content-security-policy").orElseThrow()).contains("default-src 'none'");
        Document doc = Jsoup.parse(page.body());
        assertThat(doc.select("script")).as("the page runs no script").isEmpty();
        List<String> headings = doc.select("#stats-table thead th").eachAttr("data-key");
        assertThat(headings).isEqualTo(keys);
        List<List<String>> cells = new ArrayList<>();
        for (Element tr : doc.select("#stats-table tbody tr")) {
            cells.add(tr.select("td").stream().map(Element::text).toList());
        }
        assertSameRows(table, cells, keys, "/stats");
        assertThat(doc.getElementById("version").text()).isEqualTo(table.get("version").asText());
        assertThat(Long.parseLong(doc.getElementById("uptime").attr("data-seconds")))
                .isGreaterThanOrEqualTo(table.get("uptimeSeconds").asLong());
        assertThat(doc.getElementById("certificates")).as("no TLS listener, no certificates").isNull();
        assertThat(doc.getElementById("down-sites")).as("no GSLB, no sites").isNull();

        HttpResponse<String> refreshing = get("/stats?refresh=5", "Bearer " + StatsNode.READ_TOKEN);
        assertThat(Jsoup.parse(refreshing.body()).select("meta[http-equiv=refresh]").attr("content")).isEqualTo("5");
    }

    @Test
    void curlGetsThePageAndTheCsvWithTheTokenAsPassword() throws Exception {
        String base = n.admin.toString().replaceAll("/$", "");
        String page = curl("-u", "any:" + StatsNode.READ_TOKEN, base + "/stats");
        assertThat(Jsoup.parse(page).select("#stats-table tbody tr")).hasSize(n.apiJson("stats/table").get("rows").size());
        String csv = curl("-u", "any:" + StatsNode.READ_TOKEN, base + "/stats;csv");
        assertThat(parseCsv(csv).getFirst()).startsWith("kind", "pool", "name");
        assertThat(curl("-o", "/dev/null", "-w", "%{http_code}", base + "/stats")).isEqualTo("401");
    }

    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("curl: %s", out).isZero();
        return out;
    }

    @Test
    void thePageAsksForBasicCredentialsAndTheApiRefusesThem() throws Exception {
        HttpResponse<String> none = get("/stats", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("www-authenticate").orElseThrow()).startsWith("Basic realm=\"fulcrum\"");
        assertThat(get("/stats", basic("ops", "wrong-token-0123456789")).statusCode()).isEqualTo(401);
        assertThat(get("/stats;csv", null).statusCode()).isEqualTo(401);
        HttpResponse<String> malformed = get("/stats", "Basic %%%");
        assertThat(malformed.statusCode()).isEqualTo(401);
        assertThat(malformed.body()).contains("base64(name:token)");
        // Basic credentials a browser would send by itself open nothing under /api/v1, least of all a change.
        assertThat(get("/api/v1/stats.csv", basic("ops", StatsNode.READ_TOKEN)).statusCode()).isEqualTo(401);
        HttpResponse<String> post = n.http.send(HttpRequest.newBuilder(n.admin.resolve("api/v1/reload"))
                .header("Authorization", basic("ops", StatsNode.TOKEN)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(401);
    }

    @Test
    void aNodeWithoutL4GslbOrDnsDoesNotReportThem() throws Exception {
        JsonNode status = n.apiJson("status");
        List<String> services = new ArrayList<>();
        status.get("services").forEach(s -> services.add(s.asText()));
        assertThat(services).contains("health", "admin").doesNotContain("l4", "l4-admin", "gslb", "gslb-admin", "dns", "dns-admin");
        assertThat(status.get("features").get("l4").asBoolean()).isFalse();
        assertThat(status.get("features").get("gslb").asBoolean()).isFalse();
        assertThat(status.get("features").get("dns").asBoolean()).isFalse();
        assertThat(status.get("features").get("tls").asBoolean()).isFalse();
        assertThat(status.get("version").asText()).isNotBlank();
        assertThat(status.get("uptimeSeconds").isNumber()).isTrue();
        assertThat(n.api("GET", "dns/stats").statusCode()).isEqualTo(404);
        assertThat(n.api("GET", "gslb/sites").statusCode()).isEqualTo(404);
        assertThat(n.api("GET", "connections").statusCode()).isEqualTo(404);
        assertThat(n.apiJson("help").get("extensions").toString()).doesNotContain("dns/stats", "gslb/peers", "virtual-services");
        assertThat(n.apiJson("certificates")).isEmpty();
        // Nor does /metrics: no DNS, L4 or certificate series (not even their TYPE lines), the others there.
        HttpResponse<String> scrape = n.http.send(HttpRequest.newBuilder(n.admin.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        io.fulcrum.testsupport.MetricsText metrics = io.fulcrum.testsupport.MetricsText.parse(scrape.body(),
                io.fulcrum.testsupport.MetricsText.Format.PROMETHEUS);
        assertThat(metrics.families().keySet()).noneMatch(f -> f.startsWith("fulcrum_dns_") || f.startsWith("fulcrum_l4_")
                || f.startsWith("fulcrum_tls_"));
        assertThat(scrape.body()).doesNotContain("fulcrum_dns_", "fulcrum_l4_", "fulcrum_tls_");
        assertThat(metrics.sampleNames()).contains("fulcrum_build_info", "fulcrum_health_checks_total",
                "fulcrum_pool_queued_requests", "fulcrum_config_reloads_total", "fulcrum_listener_requests_total");
    }

    /**
     * The rows are those of the API in the same order, every cell the API's value as text
     * (empty for null), but for the columns that move on their own between two reads.
     */
    private static void assertSameRows(JsonNode table, List<List<String>> rows, List<String> keys, String what) {
        JsonNode api = table.get("rows");
        assertThat(rows).as(what + " rows").hasSize(api.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode expected = api.get(i);
            List<String> row = rows.get(i);
            assertThat(row).as(what + " row " + i).hasSize(keys.size());
            for (int c = 0; c < keys.size(); c++) {
                String key = keys.get(c);
                JsonNode v = expected.get(key);
                if (MOVING.contains(key)) {
                    assertThat(row.get(c).isEmpty()).as(what + " row %d %s is empty as in the API", i, key).isEqualTo(v.isNull());
                    continue;
                }
                assertThat(row.get(c)).as(what + " row %d (%s) column %s", i, expected.get("name").asText(), key)
                        .isEqualTo(v.isNull() ? "" : v.asText());
            }
        }
    }

    private static HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(n.admin.toString().replaceAll("/$", "") + path));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return n.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String token) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + token).getBytes(StandardCharsets.UTF_8));
    }

    /** RFC 4180: CRLF line ends, fields quoted when they hold a comma, a quote or a line break. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> lines = new ArrayList<>();
        List<String> line = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                line.add(field.toString());
                field.setLength(0);
            } else if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                line.add(field.toString());
                field.setLength(0);
                lines.add(line);
                line = new ArrayList<>();
                i++;
            } else {
                field.append(ch);
            }
        }
        assertThat(field.length() == 0 && line.isEmpty()).as("the CSV ends with CRLF").isTrue();
        return lines;
    }
}
