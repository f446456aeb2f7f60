package io.fulcrum.app;

import com.sun.net.httpserver.HttpServer;
import io.fulcrum.app.node.FulcrumNode;
import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.event.Event;
import io.fulcrum.core.event.EventLog;
import io.fulcrum.gslb.SiteStateService;
import io.fulcrum.gslb.check.VipState;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A site's VIP takes any check a pool takes, and the GSLB answers follow it. Node a serves
 * DNS with a GSLB record over four sites and checks the other three's VIPs, each with another
 * check type: b with an HTTP check that matches the body (the status stays 200 throughout), c
 * with a DNS query to c's own DNS server (a second node), d with a UDP send-and-expect. When
 * one stops passing, {@code dig} at a stops listing that site; when it passes again, the site
 * is back.
 */
class GslbSiteChecksTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String A = "127.0.1.1";
    private static final String B = "127.0.2.1";
    private static final String C = "127.0.3.1";
    private static final String D = "127.0.4.1";

    private HttpServer webOfA;
    private HttpServer webOfB;
    private volatile String bodyOfB = "ready";
    private DatagramSocket udpOfD;
    private volatile String replyOfD = "pong";
    private FulcrumNode c;
    private FulcrumNode a;
    private int dnsPort;

    @BeforeEach
    void start() throws Exception {
        webOfA = HttpServer.create(new InetSocketAddress(A, 0), 8);
        webOfA.createContext("/", ex -> answer(ex, "served by a\n"));
        webOfA.start();
        webOfB = HttpServer.create(new InetSocketAddress(B, 0), 8);
        webOfB.createContext("/health", ex -> answer(ex, bodyOfB));
        webOfB.start();
        udpOfD = new DatagramSocket(new InetSocketAddress(D, 0));
        Thread.ofVirtual().start(this::serveUdp);

        int dnsOfC = FreePorts.tcpAndUdp(C);
        c = FulcrumNode.create(ConfigLoader.parse("""
                dns:
                  listen: ["%s:%d"]
                  zones:
                    - name: c.test
                      records:
                        - {name: "@", type: NS, value: ns1.c.test.}
                        - {name: ns1, type: A, value: %s}
                        - {name: app, type: A, value: %s}
                """.formatted(C, dnsOfC, C, C), "site-c.yaml"), null);
        c.start();

        dnsPort = FreePorts.tcpAndUdp(A);
        int web = FreePorts.tcp(A);
        a = FulcrumNode.create(ConfigLoader.parse("""
                listeners:
                  - name: web
                    bind: %1$s:%2$d
                    routes:
                      - {name: all, pool: app}
                pools:
                  - name: app
                    backends:
                      - address: %1$s:%3$d
                sites:
                  - name: a
                    vips:
                      - {address: "%1$s:%2$d", listener: web, check: {type: tcp, interval: 200ms}}
                  - name: b
                    vips:
                      - address: %5$s:%6$d
                        check: {type: {http: {path: /health, expectBody: ready}}, interval: 200ms, timeout: 2s, rise: 1, fall: 2}
                  - name: c
                    vips:
                      - address: %7$s:%8$d
                        check: {type: {dns: {query: app.c.test, recordType: A, expect: %7$s}}, interval: 200ms, timeout: 2s, rise: 1, fall: 2}
                  - name: d
                    vips:
                      - address: %9$s:%10$d
                        check: {type: {udp: {send: ping, expect: pong}}, interval: 200ms, timeout: 2s, rise: 1, fall: 2}
                gslb:
                  site: a
                  bind: %1$s:%4$d
                dns:
                  listen: ["%1$s:%11$d"]
                  zones:
                    - name: example.test
                      records:
                        - {name: "@", type: NS, value: ns1.example.test.}
                        - {name: ns1, type: A, value: %1$s}
                  gslb:
                    - {name: app.example.test, policy: [up], answers: 4, ttl: 1s}
                """.formatted(A, web, webOfA.getAddress().getPort(), FreePorts.udp(A), B,
                webOfB.getAddress().getPort(), C, dnsOfC, D, udpOfD.getLocalPort(), dnsPort), "site-a.yaml"), null);
        a.start();
    }

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
        }
        if (c != null) {
            c.close();
        }
        webOfA.stop(0);
        webOfB.stop(0);
        udpOfD.close();
    }

    @Test
    void aSiteCheckedWithAnHttpBodyMatchLeavesTheAnswersWhenItsBodyStopsMatching() throws Exception {
        await().atMost(WAIT).ignoreExceptions().until(() -> dig().equals(Set.of(A, B, C, D)));

        bodyOfB = "maintenance"; // still 200 OK: only the body match can tell
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(dig()).containsExactlyInAnyOrder(A, C, D);
            assertThat(vip("b").detail()).contains("does not contain \"ready\"");
        });
        assertThat(vip("b").check()).isEqualTo("http");
        assertThat(events("gslb.vip.down")).anySatisfy(e -> {
            assertThat(e.subject()).startsWith("b/");
            assertThat(e.details()).containsEntry("check", "http");
        });

        bodyOfB = "ready";
        await().atMost(WAIT).ignoreExceptions().until(() -> dig().equals(Set.of(A, B, C, D)));
    }

    @Test
    void sitesCheckedWithDnsAndUdpChecksLeaveTheAnswersWhenTheirChecksFail() throws Exception {
        await().atMost(WAIT).ignoreExceptions().until(() -> dig().equals(Set.of(A, B, C, D)));

        // c's DNS server goes away: the DNS check of c's VIP gets no answer.
        c.close();
        c = null;
        await().atMost(WAIT).ignoreExceptions().until(() -> dig().equals(Set.of(A, B, D)));
        assertThat(vip("c").check()).isEqualTo("dns");
        assertThat(vip("c").up()).isFalse();

        // d still answers, but not what its UDP check expects.
        replyOfD = "busy";
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            assertThat(dig()).containsExactlyInAnyOrder(A, B);
            assertThat(vip("d").detail()).contains("does not contain \"pong\"");
        });
        assertThat(vip("d").check()).isEqualTo("udp");

        replyOfD = "pong";
        await().atMost(WAIT).ignoreExceptions().until(() -> dig().equals(Set.of(A, B, D)));
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** {@code dig +short app.example.test A} at a's DNS server: a fresh query each time. */
    private Set<String> dig() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("dig", "@" + A, "-p", String.valueOf(dnsPort), "+short", "+tries=1",
                "+time=3", "app.example.test", "A").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("dig failed: " + text);
        }
        return new TreeSet<>(text.strip().lines().toList());
    }

    /** Site {@code site}'s only VIP as a's checks see it now. */
    private VipState vip(String site) {
        return a.service(SiteStateService.class).snapshot().vips().get(site).getFirst();
    }

    private List<Event> events(String kind) {
        return a.events().latest(EventLog.DEFAULT_CAPACITY).stream().filter(e -> e.kind().equals(kind)).toList();
    }

    private static void answer(com.sun.net.httpserver.HttpExchange ex, String body) throws IOException {
        ex.getRequestBody().readAllBytes();
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    /** d's VIP: answers every datagram with the current reply. */
    private void serveUdp() {
        byte[] buf = new byte[512];
        while (!udpOfD.isClosed()) {
            try {
                DatagramPacket in = new DatagramPacket(buf, buf.length);
                udpOfD.receive(in);
                byte[] out = replyOfD.getBytes(StandardCharsets.UTF_8);
                udpOfD.send(new DatagramPacket(out, out.length, in.getSocketAddress()));
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                // keep answering
            }
        }
    }
}
