package io.fulcrum.proxy.http;

import io.fulcrum.proxy.testing.TestConfigs;
import io.fulcrum.core.backend.Backend;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.testsupport.RawHttp;
import io.fulcrum.proxy.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.listener;
import static io.fulcrum.proxy.testing.TestConfigs.pool;
import static io.fulcrum.proxy.testing.TestConfigs.server;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The numbers the cluster controller publishes per backend that the proxy itself measures: new
 * connections, and the TCP_INFO RTT of backend connections (this suite runs on epoll and on
 * io_uring, both of which give TCP_INFO).
 */
class BackendTcpInfoTest {

    private final ProxyFixture f = new ProxyFixture();

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void aBackendConnectionsRttIsReadFromTcpInfoAndItsOpeningsAreCounted() throws Exception {
        TestBackend a = f.backend("a");
        f.start(TestConfigs.single(listener(List.of(new RouteConfig("r", null, "p", null))), pool("p", "round-robin", List.of(backend(a, 1)))));
        Backend b = f.proxy().runtime().pools().get("p").backends().getFirst();
        assertThat(b.tcpRttMicros()).isZero();
        try (RawHttp c = new RawHttp(f.address())) {
            assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().body()).isEqualTo("a");
        }
        assertThat(b.connectionsOpened()).isEqualTo(1);
        assertThat(b.tcpRttMicros()).isPositive();
        assertThat(b.tcpRetransmits()).isZero(); // loopback does not lose segments
    }
}
