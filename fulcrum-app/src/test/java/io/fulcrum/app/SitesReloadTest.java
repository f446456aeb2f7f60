package io.fulcrum.app;

import io.fulcrum.testsupport.Commands;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.NamedBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One {@code sites:} list read by both GSLB and DNS, in a real {@code fulcrum run} process:
 * the DNS GSLB record answers (dig) with the sites' VIPs, a VIP that fails GSLB's check
 * leaves the answer, and a file edit that moves site b's VIP elsewhere is applied live to
 * both through the one reloader: dig answers with the new VIP, and GSLB checks the new VIP
 * (when it fails, dig leaves it out too).
 */
class SitesReloadTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private int web;
    private int dns;
    private int gslb;

    private String yaml(NamedBackend backend, String vipOfB) {
        return """
                server:
                  eventLoopThreads: 1
                accessLog:
                  enabled: false
                listeners:
                  - name: web
                    bind: 127.0.0.1:%d
                    routes: [{name: all, pool: app}]
                pools:
                  - name: app
                    backends: [{address: "%s"}]
                sites:
                  - name: a
                    vips: [{address: "127.0.0.1:%d", listener: web, check: {type: tcp, interval: 200ms}}]
                  - name: b
                    vips:
                      - {address: "%s", check: {type: tcp, interval: 200ms, timeout: 1s, fall: 1, rise: 1}}
                gslb:
                  site: a
                  bind: 127.0.0.1:%d
                dns:
                  listen: ["127.0.0.1:%d"]
                  zones:
                    - name: example.test
                      soa: {mname: ns1.example.test., rname: hostmaster@example.test}
                      records:
                        - {name: ns1, type: A, value: 127.0.0.1}
                  gslb:
                    - {name: app.example.test, policy: [up], answers: 4, ttl: 1s}
                """.formatted(web, backend.address(), web, vipOfB, gslb, dns);
    }

    @Test
    void oneSitesListServesDnsAndGslbAndAnEditedVipReachesBothLive() throws Exception {
        web = FreePorts.tcp();
        dns = FreePorts.tcpAndUdp("127.0.0.1");
        gslb = FreePorts.udp("127.0.0.1");
        Path file = dir.resolve("fulcrum.yaml");
        try (NamedBackend backend = NamedBackend.start("one");
             Acceptor first = Acceptor.on("127.0.0.2");
             Acceptor moved = Acceptor.on("127.0.0.3")) {
            Files.writeString(file, yaml(backend, first.address()));
            try (FulcrumProcess p = FulcrumProcess.start(dir, "run", "-c", file.toString())) {
                // Both sites' VIPs pass GSLB's checks: DNS answers with their hosts.
                await().atMost(LIMIT).until(() -> !p.isAlive() || answer().equals(Set.of("127.0.0.1", "127.0.0.2")));
                assertThat(p.isAlive()).as(p.stderr()).isTrue();

                // b's VIP stops accepting: GSLB's check fails, and the DNS answer leaves it out.
                first.close();
                await().atMost(LIMIT).until(() -> answer().equals(Set.of("127.0.0.1")));

                // The file moves b's VIP: one reload, reported as the sites section, reaches both.
                Path temp = dir.resolve(".fulcrum.yaml.tmp");
                Files.writeString(temp, yaml(backend, moved.address()));
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                await().atMost(LIMIT).until(() -> p.stderr().contains("reloaded "));
                String reloaded = p.stderr().lines().filter(l -> l.contains("reloaded ")).findFirst().orElseThrow();
                assertThat(reloaded).contains("sites[b].vips");
                await().atMost(LIMIT).until(() -> answer().equals(Set.of("127.0.0.1", "127.0.0.3")));

                // GSLB checks the new VIP: when it fails, DNS leaves it out as well.
                moved.close();
                await().atMost(LIMIT).until(() -> answer().equals(Set.of("127.0.0.1")));
                assertThat(p.isAlive()).as(p.stderr()).isTrue();
            }
        }
    }

    /** The A records of the GSLB name, as {@code dig} gets them from the node. */
    private Set<String> answer() throws IOException, InterruptedException {
        return new TreeSet<>(Commands.dig("127.0.0.1", dns, "app.example.test", "A").lines().toList());
    }

    /** A TCP listener that accepts and closes every connection (what a {@code tcp} check needs). */
    private static final class Acceptor implements AutoCloseable {

        private final ServerSocket socket;

        private Acceptor(ServerSocket socket) {
            this.socket = socket;
            Thread.ofVirtual().start(this::run);
        }

        static Acceptor on(String host) throws IOException {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(host, 0));
            return new Acceptor(s);
        }

        String address() {
            return socket.getInetAddress().getHostAddress() + ":" + socket.getLocalPort();
        }

        private void run() {
            while (!socket.isClosed()) {
                try (Socket ignored = socket.accept()) {
                    // accepted: the check passed
                } catch (IOException e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
