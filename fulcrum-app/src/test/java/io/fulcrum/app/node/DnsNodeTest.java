package io.fulcrum.app.node;

import io.fulcrum.control.config.ConfigLoader;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.dns.DnsService;
import io.fulcrum.testsupport.FreePorts;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A node started from a configuration with a {@code dns:} section serves DNS, and a reload changes the answers. */
class DnsNodeTest {

    private static String config(int httpPort, int dnsPort, String address) {
        return """
                listeners: [{name: l, bind: "127.0.0.1:%d", routes: [{name: r, pool: p}]}]
                pools: [{name: p, backends: [{address: "127.0.0.1:9"}]}]
                dns:
                  listen: ["127.0.0.1:%d"]
                  zones:
                    - name: node.test
                      records: [{name: www, type: A, value: %s}]
                """.formatted(httpPort, dnsPort, address);
    }

    private static String ask(int port) throws IOException {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        r.setTimeout(Duration.ofSeconds(3));
        Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString("www.node.test."), Type.A, DClass.IN)));
        return m.getSection(Section.ANSWER).getFirst().rdataToString();
    }

    @Test
    void theNodeServesDnsAndReloadsIt() throws Exception {
        int http = FreePorts.tcpAndUdp("127.0.0.1");
        int dns = FreePorts.tcpAndUdp("127.0.0.1");
        FulcrumConfig first = ConfigLoader.parse(config(http, dns, "192.0.2.1"), "node.yaml");
        try (FulcrumNode node = FulcrumNode.create(first, null)) {
            node.start();
            assertThat(node.service(DnsService.class)).isNotNull();
            assertThat(ask(dns)).isEqualTo("192.0.2.1");
            node.apply(ConfigLoader.parse(config(http, dns, "192.0.2.2"), "node.yaml"));
            assertThat(ask(dns)).isEqualTo("192.0.2.2");
            assertThat(node.events().latest(10)).anyMatch(e -> e.kind().equals("dns.zones"));
        }
    }
}
