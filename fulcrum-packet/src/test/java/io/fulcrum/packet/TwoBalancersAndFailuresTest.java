package io.fulcrum.packet;

import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.backend.BackendState;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.l4.ConnectionTableSource.ConnectionEntry;
import io.fulcrum.packet.wire.Frames;
import io.fulcrum.testsupport.netns.NetnsTopology;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static io.fulcrum.packet.PacketFixture.PORT;
import static io.fulcrum.packet.PacketFixture.config;
import static io.fulcrum.packet.PacketFixture.listener;
import static io.fulcrum.packet.PacketFixture.pool;
import static io.fulcrum.packet.PacketFixture.service;
import static io.fulcrum.packet.PacketFixture.timeouts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two DSR balancers that share nothing but the configuration pick the same server for the same
 * flow (Maglev over the flow); a failed server's flows are purged and new flows go elsewhere; a
 * draining server keeps its flows and takes no new ones. The members are the live
 * {@link Backend} objects health checks and the admin API act on (here shared by name, as the
 * node shares the proxy's).
 */
class TwoBalancersAndFailuresTest {

    private static FulcrumConfig dsr() {
        return config(List.of(pool("web", false, PORT, 1, 1, 1)),
                List.of(service("web", "dsr", List.of(NetnsTopology.DSR_VIP4),
                        timeouts(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofSeconds(30)),
                        listener("tcp", "web"))));
    }

    @Test
    void twoBalancersSendTheSameFlowToTheSameServer() throws Exception {
        try (PacketFixture f = PacketFixture.start()) {
            PacketService bal1 = f.balancer("bal1", dsr());
            PacketService bal2 = f.balancer("bal2", dsr());
            List<String> servers = new ArrayList<>();
            for (int port = 40000; port < 40015; port++) {
                pin(f, bal1.mac("eth0"));
                String via1 = f.client("tcp", NetnsTopology.DSR_VIP4, Integer.toString(PORT), "1",
                        Integer.toString(port)).getFirst();
                pin(f, bal2.mac("eth0"));
                String via2 = f.client("tcp", NetnsTopology.DSR_VIP4, Integer.toString(PORT), "1",
                        Integer.toString(port)).getFirst();
                assertThat(via2).as("flow from port " + port).isEqualTo(via1);
                servers.add(via1.split(" ")[0]);
            }
            assertThat(servers).as("the flows spread").contains("srv1", "srv2", "srv3");
        }
    }

    /** Makes the client send the VIP's frames to one balancer (both answer ARP for it). */
    private static void pin(PacketFixture f, long mac) throws Exception {
        f.net.exec("client", "ip", "neigh", "replace", NetnsTopology.DSR_VIP4, "lladdr", Frames.formatMac(mac),
                "dev", "eth0", "nud", "permanent");
    }

    @Test
    void aFailedServersFlowsArePurgedAndADrainedOneKeepsItsFlows() throws Exception {
        try (PacketFixture f = PacketFixture.start()) {
            Map<String, Backend> live = new ConcurrentHashMap<>();
            PacketService bal = new PacketService(null, f.net.nsPath("bal1").toString());
            bal.sharedBackends((pool, name) -> live.computeIfAbsent(name,
                    n -> new Backend(pool, n, PacketFixture.serverAddress(List.of(PacketFixture.SERVERS).indexOf(n),
                            false), PORT, List.of(PacketFixture.SERVERS).indexOf(n), 1)));
            try {
                bal.start(dsr());
                await().atMost(Duration.ofSeconds(10)).until(bal::membersResolved);

                // Long-lived flows on every server.
                List<Process> holds = new ArrayList<>();
                List<BufferedReader> outs = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    Process p = f.clientAsync("hold", NetnsTopology.DSR_VIP4, Integer.toString(PORT), "8");
                    holds.add(p);
                    outs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
                }
                List<String> first = new ArrayList<>();
                for (BufferedReader r : outs) {
                    first.add(r.readLine());
                }
                assertThat(first).allMatch(l -> l.startsWith("srv"));
                assertThat(bal.connections(100)).hasSize(12);
                int onSrv2 = (int) first.stream().filter(l -> l.startsWith("srv2")).count();
                int onSrv3 = (int) first.stream().filter(l -> l.startsWith("srv3")).count();
                assertThat(onSrv2).isPositive();
                assertThat(onSrv3).isPositive();

                // srv2 is killed and found failed; srv3 is drained.
                f.killServer(1);
                live.get("srv2").setHealthy(false, "connect refused");
                live.get("srv3").setState(BackendState.DRAINING);
                await().atMost(Duration.ofSeconds(5)).until(() -> bal.connections(100).stream()
                        .noneMatch(e -> e.backend().endsWith("/srv2")));
                assertThat(bal.connections(100)).extracting(ConnectionEntry::backend)
                        .filteredOn(b -> b.endsWith("/srv3")).hasSize(onSrv3);

                // New flows avoid both.
                List<String> fresh = f.client("tcp", NetnsTopology.DSR_VIP4, Integer.toString(PORT), "20");
                assertThat(fresh).hasSize(20).allMatch(l -> l.startsWith("srv1"));

                // The drained server's flows carry on: their second request is answered.
                for (int i = 0; i < outs.size(); i++) {
                    String second = outs.get(i).readLine();
                    if (first.get(i).startsWith("srv3") || first.get(i).startsWith("srv1")) {
                        assertThat(second).as("flow %d (%s)", i, first.get(i)).startsWith(first.get(i).split(" ")[0]);
                    } else {
                        assertThat(second).as("flow %d of the failed server", i).isEqualTo("none");
                    }
                }
                holds.forEach(Process::destroy);
            } finally {
                bal.close();
            }
        }
    }
}
