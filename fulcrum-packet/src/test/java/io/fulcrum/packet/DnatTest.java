package io.fulcrum.packet;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.l4.L4ListenerConfig;
import io.fulcrum.core.l4.ConnectionTableSource.ConnectionEntry;
import io.fulcrum.testsupport.netns.NetnsTopology;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.fulcrum.packet.PacketFixture.PORT;
import static io.fulcrum.packet.PacketFixture.config;
import static io.fulcrum.packet.PacketFixture.pool;
import static io.fulcrum.packet.PacketFixture.service;
import static io.fulcrum.packet.PacketFixture.timeouts;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * DNAT in the namespace topology: the client reaches VIP port 80 from its second network, bal1
 * rewrites the destination to a server's address and port 8080, the servers (whose route to the
 * client network is bal1) answer through it and the replies come back from the VIP. The servers
 * see the client's own address: there is no SNAT.
 */
class DnatTest {

    private static final int VIP_PORT = 80;

    @Test
    void tcpAndUdpAreTranslatedBothWaysAndKeepTheClientAddress() throws Exception {
        try (PacketFixture f = PacketFixture.start()) {
            L4ListenerConfig tcp4 = new L4ListenerConfig(VIP_PORT, "tcp", "web", null, null, null, null, null, null, null);
            L4ListenerConfig udp4 = new L4ListenerConfig(VIP_PORT, "udp", "web", null, null, null, null, null, null, null);
            L4ListenerConfig tcp6 = new L4ListenerConfig(VIP_PORT, "tcp", "web6", null, null, null, null, null, null, null);
            FulcrumConfig cfg = config(List.of(pool("web", false, PORT, 2, 1, 1), pool("web6", true, PORT, 1, 1, 1)),
                    List.of(service("web", "dnat", List.of(NetnsTopology.DNAT_VIP4),
                                    timeouts(Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(5)),
                                    tcp4, udp4),
                            service("web6", "dnat", List.of(NetnsTopology.DNAT_VIP6), null, tcp6)));
            PacketService bal = f.balancer("bal1", cfg);

            List<String> answers = f.client("tcp", NetnsTopology.DNAT_VIP4, Integer.toString(VIP_PORT), "60");
            assertThat(answers).hasSize(60).allMatch(l -> l.matches("srv[123] 10\\.99\\.1\\.10:\\d+"),
                    "answered through the VIP, the server saw the client's address");
            assertThat(DsrTest.byServer(answers)).containsOnlyKeys("srv1", "srv2", "srv3");

            List<String> udp = f.client("udp", NetnsTopology.DNAT_VIP4, Integer.toString(VIP_PORT), "20");
            assertThat(udp).hasSize(20).allMatch(l -> l.matches("srv[123] 10\\.99\\.1\\.10:\\d+"));
            assertThat(bal.connections(100)).extracting(ConnectionEntry::protocol).contains("udp");

            List<String> six = f.client("tcp", NetnsTopology.DNAT_VIP6, Integer.toString(VIP_PORT), "20");
            assertThat(six).hasSize(20).allMatch(l -> l.matches("srv[123] fd99:1::10:\\d+"));

            // A bulk reply crosses the balancer in DNAT (it is the servers' gateway), checksums intact.
            assertThat(f.client("big", NetnsTopology.DNAT_VIP4, Integer.toString(VIP_PORT), "300000"))
                    .containsExactly("300000");
        }
    }
}
