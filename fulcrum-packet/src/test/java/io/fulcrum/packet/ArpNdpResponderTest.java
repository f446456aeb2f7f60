package io.fulcrum.packet;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.packet.wire.Frames;
import io.fulcrum.testsupport.netns.NetnsTopology;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.fulcrum.packet.PacketFixture.config;
import static io.fulcrum.packet.PacketFixture.listener;
import static io.fulcrum.packet.PacketFixture.pool;
import static io.fulcrum.packet.PacketFixture.service;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ARP/NDP responder, seen from the client namespace's own neighbour table: the balancer's
 * MAC is what the client learns for an IPv4 and an IPv6 VIP while the balancer owns them, and
 * nothing once it gave them up; taking them, it announced them.
 */
class ArpNdpResponderTest {

    @Test
    void answersForOwnedVipsWithItsMacAndGoesSilentWhenItGivesThemUp() throws Exception {
        try (PacketFixture f = PacketFixture.start()) {
            FulcrumConfig cfg = config(List.of(pool("web", false, PacketFixture.PORT, 1, 1, 1)),
                    List.of(service("web", "dsr", List.of(NetnsTopology.DSR_VIP4, NetnsTopology.DSR_VIP6), null,
                            listener("tcp", "web"))));
            Process watch = f.script("announcements.py", NetnsTopology.DSR_VIP4, NetnsTopology.DSR_VIP6);
            BufferedReader seen = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8));
            assertThat(seen.readLine()).isEqualTo("listening");
            PacketService bal = f.balancer("bal1", cfg);
            String mac = Frames.formatMac(bal.mac("eth0"));
            // Taking the VIPs, it announced them: a gratuitous ARP and an unsolicited NA to all nodes.
            assertThat(List.of(seen.readLine(), seen.readLine())).containsExactlyInAnyOrder("arp " + mac, "na " + mac);
            assertThat(f.net.exec("bal1", "cat", "/sys/class/net/eth0/address").strip()).isEqualTo(mac);

            assertThat(resolve(f, NetnsTopology.DSR_VIP4)).contains("lladdr " + mac);
            assertThat(resolve(f, NetnsTopology.DSR_VIP6)).contains("lladdr " + mac);

            bal.apply(config(List.of(), List.of())); // the VIPs are given up
            assertThat(resolve(f, NetnsTopology.DSR_VIP4)).doesNotContain("lladdr");
            assertThat(resolve(f, NetnsTopology.DSR_VIP6)).doesNotContain("lladdr");
        }
    }

    /** Forgets the client's entry for an address, makes the client resolve it, and returns the entry. */
    private static String resolve(PacketFixture f, String vip) throws Exception {
        f.net.exec("client", "ip", "neigh", "flush", "to", vip);
        // One connect attempt makes the kernel resolve the VIP (nothing needs to answer it).
        f.net.exec("client", "python3", "-c", "import socket\n"
                + "s = socket.socket(socket.AF_INET6 if ':' in '" + vip + "' else socket.AF_INET)\n"
                + "s.settimeout(1.5)\n"
                + "try: s.connect(('" + vip + "', 9))\n"
                + "except OSError: pass\n");
        return f.net.exec("client", "ip", "neigh", "show", "to", vip).strip();
    }
}
