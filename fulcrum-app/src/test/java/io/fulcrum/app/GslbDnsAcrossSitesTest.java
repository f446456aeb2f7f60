package io.fulcrum.app;

import io.fulcrum.testsupport.Commands;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.event.Event;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.gslb.SiteStateService;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * End to end across three sites: each on its own loopback address (127.0.1.1, 127.0.2.1,
 * 127.0.3.1) is a whole {@link FulcrumNode} started from YAML, with a proxy listener over
 * its own real HTTP backend and the site-state service talking to the two other sites.
 * Site a also serves DNS: a GSLB record over the three sites with the policy
 * {@code [up, weighted]}. One {@code sites:} list per node serves both: DNS answers with
 * the hosts of the VIPs GSLB checks at {@code host:port}. When site b's backend dies, b's VIP fails a's checks and the
 * DNS answers of a leave b out; when it comes back, so does b. Two more records read the
 * site state: {@code shared} spreads by the hand-off table (equal thirds: every site is
 * in two lists of two, with weights 1 and 1), {@code fast} orders by response time (b's
 * backend answers after 100 ms, c's after 200 ms, a's at once).
 */
class GslbDnsAcrossSitesTest {

    /** Generous: the machine may be loaded; the checks run every 250 ms. */
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String GSLB_NAME = "app.example.test.";
    /** The answers a client gets from a quiet resolver: one query at a time, about 10 to 20 a second. */
    private static final int SLOW_QUERIES = 99;

    private final List<TestSite> sites = new ArrayList<>();
    private TestSite a;
    private TestSite b;
    private TestSite c;
    private int dnsPort;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_TOKEN = "e2e-admin-token-0123456789";
    /** Site a also runs the admin API, to show its peers and DNS statistics. */
    private static final String ADMIN_SECTION = """
            admin:
              bind: 127.0.0.1:0
              tokens:
                - {name: viewer, role: read, token: %s}
            """.formatted(ADMIN_TOKEN);

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeEach
    void startThreeSites() throws Exception {
        a = new TestSite("a", 1, 0);
        b = new TestSite("b", 2, 100);
        c = new TestSite("c", 3, 200);
        sites.addAll(List.of(a, b, c));
        dnsPort = FreePorts.tcpAndUdp(a.ip);
        for (TestSite s : sites) {
            String yaml = s.yaml(sites) + (s == a ? dnsSection() + ADMIN_SECTION : "");
            s.node = FulcrumNode.create(ConfigLoader.parse(yaml, "site-" + s.name + ".yaml"), null);
            s.node.start();
        }
    }

    @AfterEach
    void stopSites() {
        for (TestSite s : sites) {
            s.close();
        }
        http.close();
    }

    @Test
    void dnsAnswersFollowWhatTheSitesSeeOfEachOther() throws Exception {
        SiteStateService atA = a.node.service(SiteStateService.class);
        // The sites talk: a has heard from b and c and has measured their VIPs through its own checks.
        await().atMost(WAIT).untilAsserted(() -> {
            for (String peer : List.of("b", "c")) {
                assertThat(atA.snapshot().lastReport(peer)).as("a heard from %s", peer).isNotNull();
                assertThat(atA.responseTimeMillis(peer)).as("a measured %s", peer).isPresent();
                assertThat(atA.siteUp(peer)).isTrue();
            }
        });
        assertThat(get(b).statusCode()).isEqualTo(200);
        assertThat(ask()).containsExactlyInAnyOrder(a.ip, b.ip, c.ip);
        long eventsFromC = atA.snapshot().eventsFrom("c");

        // b's backend dies: b's proxy answers with an error, a's checks fail, and a stops giving out b.
        b.stopBackend();
        assertThat(get(b).statusCode()).isBetween(500, 599);
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(ask()).containsExactlyInAnyOrder(a.ip, c.ip);
            assertThat(kinds(a.node.events(), "gslb.site.down")).extracting(Event::subject).contains("b");
            // c saw it too and told a at once.
            assertThat(atA.snapshot().eventsFrom("c")).isGreaterThan(eventsFromC);
            assertThat(kinds(a.node.events(), "gslb.event.received")).extracting(Event::reason)
                    .contains("site b unreachable");
        });
        assertThat(atA.siteUp("b")).isFalse();
        assertThat(atA.vipUp("b", b.ip)).isFalse();
        assertThat(atA.siteUp("c")).isTrue();

        // b's backend comes back on the same port: b is back in a's answers.
        b.startBackend();
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(ask()).containsExactlyInAnyOrder(a.ip, b.ip, c.ip);
            assertThat(kinds(a.node.events(), "gslb.site.up")).extracting(Event::subject).contains("b");
        });
        assertThat(get(b).statusCode()).isEqualTo(200);
        assertThat(get(b).body()).isEqualTo("served by b\n");

        // The admin API of site a shows its peers and what its DNS server answered.
        String admin = a.node.service(io.fulcrum.admin.AdminService.class).url();
        String peers = adminGet(admin + "api/v1/gslb/peers");
        assertThat(peers).contains("\"site\":\"b\"").contains("\"site\":\"c\"").contains("\"lastReport\"")
                .doesNotContain("secret");
        String dns = adminGet(admin + "api/v1/dns/stats");
        assertThat(dns).contains("\"queriesByType\"").contains("\"gslbAnswers\"");
        assertThat(adminGet(admin + "metrics")).contains("fulcrum_dns_queries_total{type=\"A\"}");
    }

    @Test
    void aSiteThatIsDownIsStillListedAndNoOtherSiteIsMadeUp() throws Exception {
        SiteStateService atA = a.node.service(SiteStateService.class);
        String admin = a.node.service(io.fulcrum.admin.AdminService.class).url();
        b.stopBackend();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(atA.siteUp("b")).isFalse();
            assertThat(atA.handoffShares()).containsOnlyKeys("a", "c");
        });

        // The admin API: every site of the gslb section, b down, a the only local one, no "local" site.
        JsonNode sites = JSON.readTree(adminGet(admin + "api/v1/gslb/sites"));
        Map<String, JsonNode> byName = new TreeMap<>();
        sites.forEach(site -> byName.put(site.get("name").asText(), site));
        assertThat(byName).containsOnlyKeys("a", "b", "c");
        assertThat(byName.get("b").get("up").asBoolean()).isFalse();
        assertThat(byName.get("b").get("handoffShare").isNull()).isTrue();
        assertThat(byName.get("c").get("up").asBoolean()).isTrue();
        assertThat(byName.get("a").get("local").asBoolean()).isTrue();
        assertThat(byName.get("b").get("local").asBoolean()).isFalse();

        // fulcrum ctl sites prints the same rows.
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = FulcrumCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        assertThat(cmd.execute("ctl", "--server", admin, "--token", ADMIN_TOKEN, "sites")).as(err.toString()).isZero();
        List<String[]> rows = out.toString().strip().lines().skip(1).map(l -> l.trim().split("\\s+")).toList();
        assertThat(rows).extracting(r -> r[0]).containsExactly("a", "b", "c");
        assertThat(rows.get(1)).as("the row of b").containsSequence("b", "false", "false");
        assertThat(rows.get(0)).as("the row of a").containsSequence("a", "true", "true");
    }

    @Test
    void handOffSharesHoldAtALowQueryRateWhileChecksAndUpdatesArrive() throws Exception {
        SiteStateService atA = a.node.service(SiteStateService.class);
        await().atMost(WAIT).untilAsserted(() -> assertThat(atA.handoffShares()).containsOnlyKeys("a", "b", "c")
                .allSatisfy((site, share) -> assertThat(share).isCloseTo(1 / 3.0, within(1e-9))));
        long updates = updatesReceived(atA);
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < SLOW_QUERIES; i++) {
            counts.merge(dig("shared.example.test").strip(), 1, Integer::sum);
            Thread.sleep(50);
        }
        // The site state kept changing hands meanwhile: UPDATEs every 300 ms from each peer, checks every 250 ms.
        assertThat(updatesReceived(atA)).isGreaterThan(updates + 10);
        assertThat(atA.handoffShares()).containsOnlyKeys("a", "b", "c");
        // Equal thirds over 99 answers: 33 each, give or take one.
        assertThat(counts).containsOnlyKeys(a.ip, b.ip, c.ip);
        assertThat(counts.values()).as("answers per site: %s", counts).allSatisfy(n -> assertThat(n).isBetween(32, 34));
    }

    @Test
    void latencyRanksTheOwnSiteByItsMeasuredTime() {
        SiteStateService atA = a.node.service(SiteStateService.class);
        // a checks its own VIP as it checks b's and c's: its backend answers at once, b's after
        // 100 ms, c's after 200 ms. Unmeasured, a would come last.
        // One await for all: on a loaded machine a single probe of b may time out, and a failed
        // probe leaves b without a time until the next one passes.
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(dig("fast.example.test").lines().toList()).containsExactly(a.ip, b.ip, c.ip);
            assertThat(atA.responseTimeMillis("a")).isPresent();
            assertThat(atA.responseTimeMillis("a").getAsDouble()).isLessThan(atA.responseTimeMillis("b").getAsDouble());
        });
    }

    private String adminGet(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** {@code dig +short NAME A} at site a's DNS server: a fresh query each time. */
    private String dig(String name) throws IOException, InterruptedException {
        return Commands.dig(a.ip, dnsPort, name, "A");
    }

    /**
     * Site a's DNS: one zone with GSLB records over the three sites of the node's one
     * {@code sites:} list, the list its GSLB checks read: DNS answers with each VIP's host.
     */
    private String dnsSection() {
        StringBuilder sb = new StringBuilder();
        sb.append("""
                dns:
                  listen: ["%s:%d"]
                  zones:
                    - name: example.test
                      records:
                        - {name: "@", type: NS, value: ns1.example.test.}
                        - {name: ns1, type: A, value: %s}
                """.formatted(a.ip, dnsPort, a.ip));
        sb.append("""
                  gslb:
                    - {name: app.example.test, policy: [up, weighted], answers: 3, ttl: 1s}
                    - {name: shared.example.test, policy: [up, handoff], answers: 1, ttl: 1s}
                    - {name: fast.example.test, policy: [up, latency], answers: 3, ttl: 1s}
                """);
        return sb.toString();
    }

    /**
     * The A records {@code dig} gets from site a's DNS server for the GSLB name (a fresh
     * query each time, no cache): the hosts of the VIPs in the one {@code sites:} list.
     */
    private Set<String> ask() throws IOException, InterruptedException {
        return new TreeSet<>(dig(GSLB_NAME).lines().toList());
    }

    private HttpResponse<String> get(TestSite s) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + s.vip() + "/"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<Event> kinds(EventLog log, String kind) {
        return log.latest(EventLog.DEFAULT_CAPACITY).stream().filter(e -> e.kind().equals(kind)).toList();
    }

    /** One site: its address, its ports, its HTTP backend and (once started) its node. */
    private static final class TestSite implements AutoCloseable {

        final String name;
        final String ip;
        final int webPort;
        final int gslbPort;
        final int backendPort;
        /** How long the backend waits before it answers. */
        final long delayMillis;
        HttpServer backend;
        FulcrumNode node;

        TestSite(String name, int n, long delayMillis) throws IOException {
            this.name = name;
            this.delayMillis = delayMillis;
            this.ip = "127.0." + n + ".1";
            this.webPort = FreePorts.tcp(ip);
            this.gslbPort = FreePorts.udp(ip);
            startBackend(0);
            this.backendPort = backend.getAddress().getPort();
        }

        String vip() {
            return ip + ":" + webPort;
        }

        void startBackend() throws IOException {
            startBackend(backendPort);
        }

        private void startBackend(int port) throws IOException {
            HttpServer s = HttpServer.create(new InetSocketAddress(ip, port), 16);
            byte[] body = ("served by " + name + "\n").getBytes(StandardCharsets.UTF_8);
            s.createContext("/", ex -> {
                ex.getRequestBody().readAllBytes();
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            });
            s.start();
            backend = s;
        }

        void stopBackend() {
            backend.stop(0);
        }

        /**
         * The site's node configuration: one listener over its backend, the one {@code sites:}
         * list (all three sites, each VIP {@code ip:webPort} with its check), and the gslb
         * section naming its own site and peers from that list. Passive health is off so that the backend is tried on
         * every request: the VIP fails while it is dead and passes as soon as it is back.
         */
        String yaml(List<TestSite> all) {
            StringBuilder sb = new StringBuilder();
            sb.append("""
                    server:
                      eventLoopThreads: 1
                    listeners:
                      - name: web
                        bind: %s
                        routes:
                          - name: all
                            pool: app
                    pools:
                      - name: app
                        passiveHealth: {enabled: false}
                        backends:
                          - address: %s:%d
                    sites:
                    """.formatted(vip(), ip, backendPort));
            for (TestSite s : all) {
                sb.append("  - name: ").append(s.name).append('\n');
                sb.append("    vips:\n");
                sb.append("      - address: ").append(s.vip()).append('\n');
                sb.append("        check: {type: {http: {expectStatus: 200-299}}, interval: 250ms, timeout: 1s,"
                        + " fall: 2, rise: 2}\n");
                if (s == this) {
                    sb.append("        listener: web\n");
                }
            }
            sb.append("""
                    gslb:
                      site: %s
                      bind: %s:%d
                      handoffWeights: [1, 1]
                      checks:
                        halfLife: 1s
                    """.formatted(name, ip, gslbPort));
            sb.append("  peers:\n");
            for (TestSite s : all) {
                if (s != this) {
                    String keyId = name.compareTo(s.name) < 0 ? name + "-" + s.name : s.name + "-" + name;
                    sb.append("    - site: ").append(s.name).append('\n');
                    sb.append("      address: ").append(s.ip).append(':').append(s.gslbPort).append('\n');
                    sb.append("      interval: 300ms\n");
                    sb.append("      keyId: ").append(keyId).append('\n');
                    sb.append("      secret: e2e-secret-").append(keyId).append("-0123456789\n");
                }
            }
            return sb.toString();
        }

        @Override
        public void close() {
            if (node != null) {
                node.close();
            }
            backend.stop(0);
        }
    }

    /** UPDATE messages this site took in from its peers, as its published state counts them. */
    private static long updatesReceived(SiteStateService site) {
        return site.snapshot().peers().values().stream().mapToLong(io.fulcrum.gslb.peer.PeerStatus::updates).sum();
    }
}
