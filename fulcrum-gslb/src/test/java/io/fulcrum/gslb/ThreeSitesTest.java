package io.fulcrum.gslb;

import io.fulcrum.core.event.Event;
import io.fulcrum.gslb.handoff.HandoffTable;
import io.fulcrum.gslb.peer.PeerStatus;
import io.fulcrum.gslb.peer.MessageType;
import io.fulcrum.gslb.peer.PeerKey;
import io.fulcrum.gslb.peer.SiteMessage;
import io.fulcrum.gslb.peer.SiteReport;
import io.fulcrum.gslb.peer.WireCodec;
import io.fulcrum.gslb.testing.Site;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three sites on 127.0.1.1, 127.0.2.1 and 127.0.3.1, each a real proxy over real backends
 * plus its site-state service, talking the real protocol to each other.
 */
class ThreeSitesTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private Site a;
    private Site b;
    private Site c;
    private List<Site> all;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeEach
    void startSites() throws Exception {
        a = new Site("a", 1);
        b = new Site("b", 2);
        c = new Site("c", 3);
        all = List.of(a, b, c);
        for (Site s : all) {
            s.start(all, "");
        }
    }

    @AfterEach
    void stopSites() {
        for (Site s : all) {
            s.close();
        }
    }

    @Test
    void updatesCarryResponseTimesAndCapacityAndEverySiteComputesTheSameTable() {
        await().atMost(WAIT).untilAsserted(() -> {
            for (Site s : all) {
                for (Site peer : all) {
                    if (peer == s) {
                        continue;
                    }
                    SiteReport r = s.service().snapshot().lastReport(peer.name);
                    assertThat(r).as("%s heard from %s", s.name, peer.name).isNotNull();
                    // The peer's time-weighted response times to the two other sites.
                    assertThat(r.responseTimes()).hasSize(2)
                            .allSatisfy(t -> assertThat(t.millis()).isPositive());
                    // Its own VIP with two backends of 50 connections each.
                    assertThat(r.capacity()).singleElement().satisfies(v -> {
                        assertThat(v.vip()).isEqualTo(peer.vip());
                        assertThat(v.total()).isEqualTo(100);
                        assertThat(v.available()).isBetween(0L, 100L);
                    });
                    assertThat(r.freeMemoryBytes()).isPositive();
                    assertThat(r.preferences()).hasSize(2);
                    assertThat(s.service().remainingCapacity(peer.name)).isPresent();
                    assertThat(s.service().responseTimeMillis(peer.name)).isPresent();
                }
                assertThat(updatesReceived(s)).isPositive();
            }
            assertSameTables(a, b, c);
            assertThat(a.service().snapshot().table().rows()).extracting(HandoffTable.Row::site)
                    .containsExactlyInAnyOrder("a", "b", "c");
        });
        // Default OHW 6/4: three lists of two sites give 3 × (6 + 4) = 30 in all.
        assertThat(a.service().snapshot().table().rows().stream().mapToLong(HandoffTable.Row::weight).sum()).isEqualTo(30);
        assertThat(a.service().handoffShares().values().stream().mapToDouble(Double::doubleValue).sum())
                .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(a.events("gslb.table.changed")).isNotEmpty();
        assertThat(a.events("gslb.peer.up")).extracting(Event::subject).contains("b", "c");
        // Every site holds the whole matrix: its own row (its checks of the other sites' VIPs) and each peer's.
        SiteState atA = a.service().snapshot();
        assertThat(atA.vips()).containsKeys("b", "c");
        assertThat(atA.lastReport("b").responseTimes()).extracting(t -> t.site() + "/" + t.vip())
                .containsExactlyInAnyOrder("a/" + a.vip(), "c/" + c.vip());
        assertThat(atA.lastReport("c").responseTimes()).extracting(t -> t.site() + "/" + t.vip())
                .containsExactlyInAnyOrder("a/" + a.vip(), "b/" + b.vip());
    }

    @Test
    void aSiteWhoseBackendsDieIsDownEverywhereAndLeftOutOfTablesAndRedirects() throws Exception {
        awaitAllUpWithFullTables();
        long eventsAtB = eventsReceived(b);
        long eventsAtC = eventsReceived(c);

        a.killBackends();

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(b.service().siteUp("a")).isFalse();
            assertThat(c.service().siteUp("a")).isFalse();
            assertThat(b.service().vipUp("a", a.vip())).isFalse();
            // Peers were told at once: a reports its local limit, b and c each report a unreachable.
            assertThat(eventsReceived(b)).isGreaterThan(eventsAtB);
            assertThat(eventsReceived(c)).isGreaterThan(eventsAtC);
            assertThat(b.service().snapshot().eventsFrom("a")).isPositive();
            assertThat(b.service().snapshot().eventsFrom("c")).isPositive();
            assertThat(c.service().snapshot().eventsFrom("b")).isPositive();
            assertThat(b.events("gslb.event.received")).extracting(Event::subject).contains("a", "c");
            assertThat(b.events("gslb.site.down")).extracting(Event::subject).contains("a");
            // The same table everywhere, without a.
            assertSameTables(a, b, c);
            assertThat(b.service().snapshot().table().rows()).extracting(HandoffTable.Row::site)
                    .containsExactlyInAnyOrder("b", "c");
            assertThat(b.service().handoffShares()).doesNotContainKey("a");
        });
        assertThat(a.events("gslb.limit.hit")).isNotEmpty();

        // A request reaching a (no healthy backend) is handed off to b or c, never back to a.
        await().atMost(WAIT).untilAsserted(() -> assertThat(get(a).statusCode()).isEqualTo(307));
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = get(a);
            assertThat(r.statusCode()).isEqualTo(307);
            assertThat(r.headers().firstValue("location").orElseThrow())
                    .isIn(b.redirectBase() + "/shop?x=1", c.redirectBase() + "/shop?x=1");
        }

        // Then c's backends die too: its requests go to b only, a being down.
        c.killBackends();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(b.service().siteUp("c")).isFalse();
            assertThat(c.service().siteUp("a")).isFalse();
            assertThat(get(c).statusCode()).isEqualTo(307);
        });
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = get(c);
            assertThat(r.statusCode()).isEqualTo(307);
            assertThat(r.headers().firstValue("location")).hasValue(b.redirectBase() + "/shop?x=1");
        }
        // b still serves what it accepts normally, without consulting the table.
        HttpResponse<String> served = get(b);
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo("served by b\n");

        // With b gone too there is no eligible site left: the request is refused.
        b.killBackends();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(a.service().siteUp("b")).isFalse();
            assertThat(get(a).statusCode()).isEqualTo(503);
        });
    }

    @Test
    void theRedirectSwitchIsAppliedOnReload() throws Exception {
        awaitAllUpWithFullTables();
        a.killBackends();
        await().atMost(WAIT).untilAsserted(() -> assertThat(get(a).statusCode()).isEqualTo(307));

        a.redirect = false;
        a.apply(all, "");
        await().atMost(WAIT).untilAsserted(() -> assertThat(get(a).statusCode()).isEqualTo(503));
        assertThat(a.events("gslb.config.applied")).isNotEmpty();
        // The protocol runs on after the reload.
        long before = updatesReceived(b);
        await().atMost(WAIT).until(() -> updatesReceived(b) > before + 2);
    }

    @Test
    void aReloadThatCannotBindKeepsTheRunningState() throws Exception {
        awaitAllUpWithFullTables();
        // b's site-state address is taken (by b): the new socket cannot be bound.
        String yaml = a.yaml(all, "").replace("bind: " + a.ip + ":" + a.gslbPort, "bind: " + b.ip + ":" + b.gslbPort);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.applyYaml(yaml))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("cannot bind");
        // Still bound where the peers send: their UPDATEs keep arriving.
        long before = updatesReceived(a);
        await().atMost(WAIT).until(() -> updatesReceived(a) > before + 2);
        assertThat(a.service().siteUp("b")).isTrue();
    }

    @Test
    void aSilentPeerIsReportedButTheChecksDecideWhatIsUp() {
        awaitAllUpWithFullTables();
        c.service().close(); // c's proxy keeps serving; only its site-state messages stop
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(a.events("gslb.peer.down")).extracting(Event::subject).contains("c");
            assertThat(b.events("gslb.event.received")).extracting(Event::reason).contains("peer c silent for 3 intervals");
        });
        // Not a keep-alive: c's VIP still passes the checks, so c is still up.
        assertThat(a.service().siteUp("c")).isTrue();
    }

    @Test
    void theSmallDeploymentModePrefersFreeCapacity() throws Exception {
        for (Site s : all) {
            s.apply(all, "  preferFreeCapacity: true\n");
        }
        await().atMost(WAIT).untilAsserted(() -> {
            assertSameTables(a, b, c);
            // Idle sites: every VIP has all its 100 connections free.
            assertThat(a.service().snapshot().table().rows()).extracting(HandoffTable.Row::weight).containsOnly(1000L);
            assertThat(a.service().snapshot().table().rows()).hasSize(3);
        });
        c.killBackends();
        await().atMost(WAIT).untilAsserted(() -> {
            assertSameTables(a, b, c);
            assertThat(a.service().snapshot().table().rows()).extracting(HandoffTable.Row::site).containsExactly("a", "b");
        });
    }

    @Test
    void badlySignedReplayedAndUnknownMessagesAreDroppedAndLogged() throws Exception {
        awaitAllUpWithFullTables();
        InetSocketAddress target = new InetSocketAddress(a.ip, a.gslbPort);
        PeerKey real = new PeerKey(Site.keyId("a", "b"), "b",
                Site.secret("a", "b").getBytes(StandardCharsets.UTF_8));
        PeerKey wrongSecret = new PeerKey(Site.keyId("a", "b"), "b",
                "not-the-secret-0123456789".getBytes(StandardCharsets.UTF_8));
        PeerKey unknownId = new PeerKey("x-y", "b", Site.secret("a", "b").getBytes(StandardCharsets.UTF_8));
        SiteReport report = new SiteReport(List.of("c", "a"), List.of(), List.of(), 1L << 30, false);
        long seq = System.currentTimeMillis() * 1000 + 500_000_000L; // above b's own numbers
        SiteMessage valid = new SiteMessage(MessageType.UPDATE, "b", System.currentTimeMillis(), seq, "", report,
                null);
        byte[] validBytes = WireCodec.encode(valid, real);
        long updatesBefore = updatesReceived(a);

        try (DatagramSocket socket = new DatagramSocket()) {
            send(socket, target, WireCodec.encode(valid, wrongSecret));
            send(socket, target, WireCodec.encode(valid, unknownId));
            send(socket, target, "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            send(socket, target, validBytes);
            send(socket, target, validBytes); // the same datagram again
            // Signed with b's key but claiming to be c.
            send(socket, target, WireCodec.encode(new SiteMessage(MessageType.EVENT, "c", System.currentTimeMillis(),
                    seq + 1, "forged", report, null), real));
        }

        await().atMost(WAIT).untilAsserted(() -> {
            // One event per reason, each counting the one datagram dropped for it.
            assertThat(a.events("gslb.message.dropped")).extracting(e -> e.details().get("reason") + " "
                    + e.details().get("count"))
                    .contains("bad-signature 1", "unknown-key 1", "malformed 1", "replayed 1", "unexpected 1");
            assertThat(updatesReceived(a)).isGreaterThan(updatesBefore);
        });
        assertThat(a.events("gslb.event.received")).as("the forged EVENT was not taken as c's")
                .extracting(Event::reason).doesNotContain("forged");
        // Nothing logged or published carries a secret.
        for (Event e : a.events.latest(10_000)) {
            assertThat(e.toString()).doesNotContain(Site.secret("a", "b")).doesNotContain(Site.secret("a", "c"));
        }
    }

    @Test
    void theHandoffTableCanBeAskedForWithASignedQuery() throws Exception {
        awaitAllUpWithFullTables();
        PeerKey key = new PeerKey(Site.keyId("a", "b"), "b", Site.secret("a", "b").getBytes(StandardCharsets.UTF_8));
        HandoffQuery.Answer answer = HandoffQuery.ask(new InetSocketAddress(a.ip, a.gslbPort), key, 5000);
        assertThat(answer.site()).isEqualTo("a");
        assertThat(answer.table().rows()).isEqualTo(a.service().snapshot().table().rows());
        assertThat(answer.format()).contains("hand-off table of site a").contains("SHARE");

        PeerKey wrong = new PeerKey(Site.keyId("a", "b"), "b", "wrong-secret-0123456789".getBytes(StandardCharsets.UTF_8));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> HandoffQuery.ask(new InetSocketAddress(a.ip, a.gslbPort), wrong, 500))
                .hasMessageContaining("no answer");
    }

    @Test
    void theOwnSiteIsMeasuredByTheSameChecksAsTheOthers() {
        awaitAllUpWithFullTables();
        await().atMost(WAIT).untilAsserted(() -> {
            for (Site s : all) {
                // Its own VIP answers through its own proxy: an HTTP check like the ones of the other sites.
                assertThat(s.service().responseTimeMillis(s.name)).as("%s measured itself", s.name).isPresent();
            }
        });
        assertThat(a.service().responseTimeMillis("a").getAsDouble()).isPositive();
    }

    @Test
    void checksAndUpdatesThatChangeNothingLeaveTheVersionAlone() {
        awaitAllUpWithFullTables();
        long version = a.service().version();
        long updates = updatesReceived(a);
        // Two peers send every 200 ms and three VIPs are checked every 200 ms: well over 100
        // check results and UPDATEs, each of which used to move the version.
        await().atMost(WAIT).until(() -> updatesReceived(a) >= updates + 60);
        long moves = a.service().version() - version;
        long updatesSeen = updatesReceived(a) - updates;
        // What may still move it is real: a capacity caught with a check in flight, a time past the margin.
        assertThat(moves).as("version moves for %d UPDATEs", updatesSeen).isLessThan(updatesSeen / 2);
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** UPDATE messages this site took in from its peers, as its published state counts them. */
    private static long updatesReceived(Site s) {
        return s.service().snapshot().peers().values().stream().mapToLong(PeerStatus::updates).sum();
    }

    /** EVENT messages this site took in from its peers, as its published state counts them. */
    private static long eventsReceived(Site s) {
        return s.service().snapshot().peers().values().stream().mapToLong(PeerStatus::events).sum();
    }

    private void awaitAllUpWithFullTables() {
        await().atMost(WAIT).untilAsserted(() -> {
            for (Site s : all) {
                assertThat(s.service().snapshot().table().rows()).hasSize(3);
                for (Site other : all) {
                    assertThat(s.service().siteUp(other.name)).isTrue();
                }
            }
            assertSameTables(a, b, c);
            assertThat(a.service().snapshot().table().rows().stream().mapToLong(HandoffTable.Row::weight).sum()).isEqualTo(30);
        });
    }

    private static void assertSameTables(Site first, Site... others) {
        for (Site s : others) {
            assertThat(s.service().snapshot().table().rows()).as("table at %s vs %s", s.name, first.name)
                    .isEqualTo(first.service().snapshot().table().rows());
        }
    }

    private HttpResponse<String> get(Site s) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + s.vip() + "/shop?x=1"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void send(DatagramSocket socket, InetSocketAddress to, byte[] data) throws Exception {
        socket.send(new DatagramPacket(data, data.length, to));
    }
}
