package io.fulcrum.dns;

import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.dns.DnsConfig;
import io.fulcrum.dns.testing.DnsTestServer;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Several event loops (one UDP socket each on the same port), IPv4 and IPv6, UDP and TCP, and the counters. */
class TransportTest {

    @Test
    void everySocketAnswersOverBothTransports() throws Exception {
        FulcrumConfig c = DnsTestServer.config("""
                dns:
                  listen: ["127.0.0.1:5353"]
                  threads: 2
                  zones:
                    - name: example.test
                      records: [{name: www, type: A, value: 192.0.2.1}]
                """);
        DnsConfig d = c.dns();
        boolean v6 = NetworkInterface.getByInetAddress(java.net.InetAddress.getByName("::1")) != null;
        List<HostPort> listen = v6 ? List.of(HostPort.of("127.0.0.1", 0), HostPort.of("::1", 0))
                : List.of(HostPort.of("127.0.0.1", 0));
        DnsConfig both = new DnsConfig(listen, d.threads(), d.udpPayloadSize(), null, d.stickyEntries(), d.zones(),
                d.gslb(), d.warmUp());
        DnsService service = new DnsService(null);
        try (service) {
            service.start(FulcrumConfigBuilder.config()
                    .server(c.server())
                    .accessLog(c.accessLog())
                    .listeners(c.listeners())
                    .pools(c.pools())
                    .dns(both)
                    .sites(c.sites())
                    .build());
            List<InetSocketAddress> bound = new ArrayList<>(service.boundAddresses());
            assertThat(bound).hasSize(listen.size());
            int udp = 0;
            for (InetSocketAddress a : bound) {
                for (int i = 0; i < 40; i++) {
                    // A new resolver each time: a new source port, so SO_REUSEPORT spreads them over the sockets.
                    SimpleResolver r = new SimpleResolver(a);
                    r.setTimeout(Duration.ofSeconds(3));
                    r.setTCP(i % 4 == 0);
                    Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString("www.example.test."), Type.A,
                            DClass.IN)));
                    assertThat(m.getSection(Section.ANSWER)).hasSize(1);
                    udp += i % 4 == 0 ? 0 : 1;
                }
            }
            DnsStats stats = service.stats();
            assertThat(stats.udpQueries()).isEqualTo(udp);
            assertThat(stats.tcpQueries()).isEqualTo(bound.size() * 10L);
            assertThat(stats.queriesByType().get("A")).isEqualTo(bound.size() * 40L);
            assertThat(stats.repliesByRcode().get("NOERROR")).isEqualTo(bound.size() * 40L);
        }
    }
}
