package io.fulcrum.proxy.http;

import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.testsupport.config.ListenerConfigBuilder;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.RouteConfig;
import io.fulcrum.proxy.testing.ProxyFixture;
import io.fulcrum.testsupport.RawHttp;
import io.fulcrum.proxy.testing.TestBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import static io.fulcrum.proxy.testing.TestConfigs.backend;
import static io.fulcrum.proxy.testing.TestConfigs.pool;
import static io.fulcrum.proxy.testing.TestConfigs.server;
import static io.fulcrum.proxy.testing.TestConfigs.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Edge cases of applying a new configuration to a running proxy. */
class ApplyConfigTest {

    private final ProxyFixture f = new ProxyFixture();

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void aListenerThatCannotBindDoesNotStopTheOthers() throws Exception {
        TestBackend a = f.backend("a");
        var p = pool("p", "round-robin", List.of(backend(a, 1)));
        f.start(single(p));
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int free;
            try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                free = probe.getLocalPort();
            }
            var route = List.of(new RouteConfig("r", null, "p", null));
            var next = FulcrumConfigBuilder.config()
                    .server(server())
                    .noAccessLog()
                    .listeners(List.of(
                    ListenerConfigBuilder.listener("web", HostPort.of("127.0.0.1", 0)).routes(route).build(),
                    ListenerConfigBuilder.listener("clash", HostPort.of("127.0.0.1", taken.getLocalPort()))
                            .routes(route)
                            .build(),
                    ListenerConfigBuilder.listener("extra", HostPort.of("127.0.0.1", free))
                            .routes(route)
                            .build()))
                    .pools(List.of(p))
                    .build();
            assertThatThrownBy(() -> f.proxy().apply(next)).isInstanceOf(IOException.class)
                    .hasMessageContaining("clash");
            assertThat(f.proxy().boundAddresses()).containsKeys("web", "extra").doesNotContainKey("clash");
            try (RawHttp c = new RawHttp(new InetSocketAddress("127.0.0.1", free))) {
                assertThat(c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").read().body()).isEqualTo("a");
            }
        }
    }

    @Test
    void applyAfterShutdownIsRefused() throws Exception {
        TestBackend a = f.backend("a");
        var config = single(pool("p", "round-robin", List.of(backend(a, 1))));
        f.start(config);
        f.proxy().shutdownGracefully(Duration.ofMillis(200));
        assertThatThrownBy(() -> f.proxy().apply(config)).isInstanceOf(IllegalStateException.class);
    }
}
