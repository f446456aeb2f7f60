package io.fulcrum.packet;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.l4.ConnectionTableSource.BackendConnectionCounters;
import io.fulcrum.core.l4.ConnectionTableSource.ConnectionEntry;
import io.fulcrum.testsupport.netns.NetnsTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.fulcrum.packet.PacketFixture.PORT;
import static io.fulcrum.packet.PacketFixture.config;
import static io.fulcrum.packet.PacketFixture.listener;
import static io.fulcrum.packet.PacketFixture.pool;
import static io.fulcrum.packet.PacketFixture.service;
import static io.fulcrum.packet.PacketFixture.timeouts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Direct server return in the namespace topology: real TCP and UDP clients in the client
 * namespace, real servers (the VIP on their loopback) in the server namespaces, the packet
 * path in bal1. One topology for the class; each test applies its own configuration.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DsrTest {

    private static final String VIP4 = NetnsTopology.DSR_VIP4;
    private static final String VIP6 = NetnsTopology.DSR_VIP6;
    private PacketFixture f;
    private PacketService bal;

    @BeforeAll
    void start() throws Exception {
        f = PacketFixture.start();
        bal = f.balancer("bal1", dsr(Duration.ofMinutes(3), Duration.ofMinutes(10), 3, 2, 1));
    }

    @AfterAll
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    /** TCP and UDP on both VIPs, a pool of the three servers with these weights, these TCP timeouts. */
    private static FulcrumConfig dsr(Duration fin, Duration stale, int... weights) {
        return config(List.of(pool("web", false, PORT, weights), pool("web6", true, PORT, weights)),
                List.of(service("web", "dsr", List.of(VIP4), timeouts(fin, stale, Duration.ofSeconds(2)),
                                listener("tcp", "web"), listener("udp", "web")),
                        service("web6", "dsr", List.of(VIP6), timeouts(fin, stale, Duration.ofSeconds(2)),
                                listener("tcp", "web6"))));
    }

    @Test
    void tcpAndUdpReachTheServersInWeightSharesAndTheServersSeeTheClient() throws Exception {
        bal.apply(dsr(Duration.ofMinutes(3), Duration.ofMinutes(10), 3, 2, 1));
        List<String> tcp = f.client("tcp", VIP4, Integer.toString(PORT), "120");
        assertThat(tcp).hasSize(120).allMatch(l -> l.matches("srv[123] 10\\.99\\.0\\.10:\\d+"), "real client address");
        Map<String, Long> shares = byServer(tcp);
        // Weights 3:2:1 over 120 flows: 60/40/20 expected; Maglev over random client ports spreads within these bounds.
        assertThat(shares.get("srv1")).isBetween(42L, 78L);
        assertThat(shares.get("srv2")).isBetween(24L, 56L);
        assertThat(shares.get("srv3")).isBetween(8L, 34L);

        List<String> udp = f.client("udp", VIP4, Integer.toString(PORT), "60");
        assertThat(udp).hasSize(60).allMatch(l -> l.matches("srv[123] 10\\.99\\.0\\.10:\\d+"));
        assertThat(byServer(udp)).containsOnlyKeys("srv1", "srv2", "srv3");

        List<String> tcp6 = f.client("tcp", VIP6, Integer.toString(PORT), "30");
        assertThat(tcp6).hasSize(30).allMatch(l -> l.matches("srv[123] fd99::10:\\d+"));
    }

    @Test
    void aWeightOfZeroTakesNoFlows() throws Exception {
        bal.apply(dsr(Duration.ofMinutes(3), Duration.ofMinutes(10), 1, 0, 1));
        List<String> tcp = f.client("tcp", VIP4, Integer.toString(PORT), "30");
        assertThat(byServer(tcp)).containsOnlyKeys("srv1", "srv3");
    }

    @Test
    void repliesGoStraightToTheClient() throws Exception {
        bal.apply(dsr(Duration.ofMinutes(3), Duration.ofMinutes(10), 1, 1, 1));
        long before = f.counter("bal1", "rx_bytes");
        List<String> got = f.client("big", VIP4, Integer.toString(PORT), "4000000");
        long through = f.counter("bal1", "rx_bytes") - before;
        assertThat(got).containsExactly("4000000");
        // The request and the client's ACKs pass the balancer (a few hundred kB at most), the 4 MB reply does not.
        assertThat(through).isLessThan(1_000_000);
    }

    @Test
    void halfCloseResetAndTimeoutsDriveTheTable() throws Exception {
        bal.apply(dsr(Duration.ofSeconds(2), Duration.ofSeconds(3), 1, 1, 1));
        long completedBefore = completed();

        // A client FIN: the entry turns FIN and leaves after the FIN timeout.
        assertThat(f.client("halfclose", VIP4, Integer.toString(PORT))).contains("closed");
        assertThat(entries()).extracting(ConnectionEntry::state).containsExactly("FIN");
        assertThat(counters().values().stream().mapToLong(BackendConnectionCounters::fin).sum()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(15)).until(() -> entries().isEmpty());
        assertThat(completed()).isEqualTo(completedBefore + 1);

        // An RST removes the entry at once.
        assertThat(f.client("rst", VIP4, Integer.toString(PORT)).getFirst()).startsWith("srv");
        await().atMost(Duration.ofSeconds(2)).until(() -> entries().isEmpty());
        assertThat(completed()).isEqualTo(completedBefore + 2);

        // An idle ACTIVE entry is purged after the stale timeout; the client's next segment then has no entry and is dropped.
        Process hold = f.clientAsync("hold", VIP4, Integer.toString(PORT), "6");
        BufferedReader out = new BufferedReader(new InputStreamReader(hold.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).startsWith("srv");
        assertThat(entries()).extracting(ConnectionEntry::state).containsExactly("ACTIVE");
        await().atMost(Duration.ofSeconds(15)).until(() -> entries().isEmpty());
        assertThat(out.readLine()).isEqualTo("none");
        assertThat(entries()).isEmpty();
    }

    private List<ConnectionEntry> entries() {
        return bal.connections(100);
    }

    private Map<String, BackendConnectionCounters> counters() {
        return bal.backendCounters().stream().filter(c -> c.service().equals("web"))
                .collect(Collectors.toMap(c -> c.backend() + "|" + c.pool() + "|" + System.identityHashCode(c),
                        Function.identity()));
    }

    private long completed() {
        return counters().values().stream().mapToLong(BackendConnectionCounters::completed).sum();
    }

    static Map<String, Long> byServer(List<String> answers) {
        return answers.stream().collect(Collectors.groupingBy(l -> l.split(" ")[0], Collectors.counting()));
    }
}
