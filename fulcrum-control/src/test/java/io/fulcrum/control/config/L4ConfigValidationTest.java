package io.fulcrum.control.config;

import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.l4.L4ListenerConfig;
import io.fulcrum.core.config.l4.VirtualServiceConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The {@code virtualServices}, {@code l4Timeouts} and {@code proxyProtocol} sections: binding, defaults and errors with field and line. */
class L4ConfigValidationTest {

    private static final String GOOD = """
            l4Timeouts:
              finTimeout: 90s
            pools:
              - name: web
                proxyProtocol: v2
                backends:
                  - address: 127.0.0.1:8080
            virtualServices:
              - name: front
                vips: [127.0.0.2, 127.0.0.3]
                timeouts:
                  staleTimeout: 1h
                vipTimeouts:
                  - vip: 127.0.0.3
                    timeouts:
                      idle: 5m
                listeners:
                  - port: 443
                    pool: web
                    algorithm: least-connections
                    acceptProxyProtocol: true
                    timeouts:
                      connect: 500ms
                  - port: 53
                    protocol: udp
                    pool: web
                    udpHash: true
                    timeouts:
                      udpSession: 10s
            """;

    @Test
    void aCompleteSectionBindsWithDefaults() throws Exception {
        LoadedConfig loaded = ConfigLoader.parseWithWarnings(GOOD, "l4.yaml");
        FulcrumConfig c = loaded.config();
        assertThat(c.listeners()).isEmpty();
        assertThat(c.l4Timeouts().finTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.pool("web").proxyProtocol()).isEqualTo("v2");
        VirtualServiceConfig vs = c.virtualServices().getFirst();
        assertThat(vs.vips()).containsExactly("127.0.0.2", "127.0.0.3");
        assertThat(vs.timeoutsFor("127.0.0.3").idle()).isEqualTo(Duration.ofMinutes(5));
        L4ListenerConfig tcp = vs.listeners().get(0);
        assertThat(tcp.protocol()).isEqualTo("tcp");
        assertThat(tcp.acceptProxyProtocol()).isTrue();
        assertThat(tcp.splice()).isFalse();
        assertThat(vs.listeners().get(1).udpHash()).isTrue();
        // The pool is used by an L4 listener: no "unused pool" warning.
        assertThat(loaded.warnings()).noneMatch(w -> w.message().contains("not used"));
    }

    @Test
    void errorsNameTheFieldAndLine() {
        String bad = """
                pools:
                  - name: web
                    proxyProtocol: v3
                    backends:
                      - address: 127.0.0.1:8080
                virtualServices:
                  - name: front
                    vips: [example.com, 127.0.0.2, 127.0.0.2]
                    listeners:
                      - port: 70000
                        pool: nope
                      - port: 53
                        protocol: sctp
                        pool: web
                      - port: 54
                        protocol: udp
                        pool: web
                        acceptProxyProtocol: true
                        timeouts:
                          finTimeout: 0s
                  - name: front
                    vips: [127.0.0.2]
                    listeners:
                      - port: 54
                        protocol: udp
                        pool: web
                """;
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(bad, "bad.yaml"));
        List<String> lines = e.errors().stream().map(x -> x.format("bad.yaml")).toList();
        assertThat(lines).anyMatch(l -> l.startsWith("bad.yaml:3:") && l.contains("pools[0].proxyProtocol")
                && l.contains("none, v1, v2"));
        assertThat(lines).anyMatch(l -> l.startsWith("bad.yaml:8:") && l.contains("virtualServices[0].vips[0]")
                && l.contains("literal IP address"));
        assertThat(lines).anyMatch(l -> l.contains("virtualServices[0].vips[2]") && l.contains("twice"));
        assertThat(lines).anyMatch(l -> l.startsWith("bad.yaml:10:") && l.contains("listeners[0].port"));
        assertThat(lines).anyMatch(l -> l.startsWith("bad.yaml:11:") && l.contains("unknown pool \"nope\""));
        assertThat(lines).anyMatch(l -> l.startsWith("bad.yaml:13:") && l.contains("listeners[1].protocol"));
        assertThat(lines).anyMatch(l -> l.contains("listeners[2].acceptProxyProtocol") && l.contains("tcp listeners only"));
        assertThat(lines).anyMatch(l -> l.contains("listeners[2].timeouts.finTimeout") && l.contains("longer than 0"));
        assertThat(lines).anyMatch(l -> l.contains("virtualServices[1].name") && l.contains("duplicate"));
        assertThat(lines).anyMatch(l -> l.contains("virtualServices[1].listeners[0].port") && l.contains("already owned"));
    }

    @Test
    void anUnknownKeyInAVirtualServiceIsRefused() {
        String bad = GOOD.replace("    udpHash: true", "    udpHsh: true");
        assertThatThrownBy(() -> ConfigLoader.parse(bad, "x.yaml")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("udpHsh");
    }

    @Test
    void aHttpListenerMayAcceptProxyProtocol() throws Exception {
        FulcrumConfig c = ConfigLoader.parse("""
                listeners:
                  - name: web
                    bind: 127.0.0.1:8080
                    acceptProxyProtocol: true
                    routes:
                      - name: all
                        pool: p
                pools:
                  - name: p
                    backends:
                      - address: 127.0.0.1:9000
                """, "h.yaml");
        assertThat(c.listeners().getFirst().acceptProxyProtocol()).isTrue();
    }

    @Test
    void packetModesBindAndRefuseWhatTheyCannotDo() throws Exception {
        FulcrumConfig c = ConfigLoader.parse("""
                pools:
                  - name: web
                    backends:
                      - address: 10.99.0.21:80
                virtualServices:
                  - name: front
                    mode: dsr
                    packetInterface: eth1
                    vips: [10.99.0.100]
                    listeners:
                      - port: 80
                        pool: web
                """, "dsr.yaml");
        VirtualServiceConfig vs = c.virtualServices().getFirst();
        assertThat(vs.mode()).isEqualTo("dsr");
        assertThat(vs.packetInterface()).isEqualTo("eth1");
        assertThat(vs.proxyMode()).isFalse();

        String bad = """
                pools:
                  - name: web
                    backends:
                      - address: 10.99.0.21:8080
                      - address: app.internal:80
                virtualServices:
                  - name: front
                    mode: dsr
                    vips: [10.99.0.100]
                    listeners:
                      - port: 80
                        pool: web
                        splice: true
                  - name: other
                    mode: tunnel
                    vips: [10.99.0.101]
                    listeners:
                      - port: 80
                        pool: web
                """;
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(bad, "bad.yaml"));
        List<String> lines = e.errors().stream().map(x -> x.format("bad.yaml")).toList();
        assertThat(lines).anyMatch(l -> l.contains("pools[0].backends[0].address") && l.contains("must be 80"));
        assertThat(lines).anyMatch(l -> l.contains("pools[0].backends[1].address") && l.contains("IP addresses"));
        assertThat(lines).anyMatch(l -> l.contains("virtualServices[0].listeners[0]") && l.contains("splice"));
        assertThat(lines).anyMatch(l -> l.contains("virtualServices[1].mode") && l.contains("dnat"));
    }
}
