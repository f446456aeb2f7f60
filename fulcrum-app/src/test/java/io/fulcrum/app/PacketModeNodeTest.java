package io.fulcrum.app;

import io.fulcrum.testsupport.netns.NetnsTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real node in DSR mode, started with {@code ip netns exec} in the balancer namespace of the
 * test topology, its pool's TCP health checks running from there against HTTP servers in the
 * three server namespaces. Clients in the client namespace hold connections through the VIP;
 * {@code fulcrum conns} (the command, in its own JVM, through the admin API) shows the packet
 * flows. A server whose service stops is found down by its health check, its flows are purged
 * and new flows go to the others.
 */
class PacketModeNodeTest {

    private static final String TOKEN = "packet-mode-node-test-token";
    private static final String[] SERVERS = {"srv1", "srv2", "srv3"};
    /** A row of the flow table: service, VIP:port, protocol, client, backend, state. */
    private static final Pattern FLOW = Pattern.compile(
            "^web\\s+10\\.99\\.0\\.100:8080\\s+tcp\\s+10\\.99\\.0\\.10:\\d+\\s+web/(srv\\d)\\s+ACTIVE\\b.*");

    @TempDir
    Path dir;

    @Test
    void healthChecksInTheNamespacesDriveThePoolAndConnsShowsThePacketFlows() throws Exception {
        try (NetnsTopology net = NetnsTopology.up()) {
            List<Process> servers = new ArrayList<>();
            for (String s : SERVERS) {
                servers.add(net.spawn(s, "python3", "-m", "http.server", "8080", "--bind", "::"));
            }
            for (String s : SERVERS) {
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                        .until(() -> net.exec(s, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080") != null);
            }
            Path config = dir.resolve("fulcrum.yaml");
            Files.writeString(config, """
                    server:
                      eventLoopThreads: 1
                    accessLog:
                      enabled: false
                    admin:
                      bind: 127.0.0.1:9900
                      tokens:
                        - {name: test, role: read, token: %s}
                    pools:
                      - name: web
                        health:
                          checks:
                            - {type: tcp, interval: 300ms, timeout: 250ms, fall: 1, rise: 1}
                        backends:
                          - {name: srv1, address: 10.99.0.21:8080}
                          - {name: srv2, address: 10.99.0.22:8080}
                          - {name: srv3, address: 10.99.0.23:8080}
                    virtualServices:
                      - name: web
                        mode: dsr
                        packetInterface: eth0
                        vips: [10.99.0.100]
                        listeners:
                          - {port: 8080, pool: web}
                    """.formatted(TOKEN));
            try (FulcrumProcess node = FulcrumProcess.startInNamespace(dir, net.ns("bal1"), "run", "--no-watch",
                    "-c", config.toString())) {
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    assertThat(node.isAlive()).as("node\n%s\n%s", node.stdout(), node.stderr()).isTrue();
                    return apiJson(net).contains("\"backends\"");
                });

                // Twelve connections held open through the VIP.
                Process first = hold(net, 12);
                List<String> flows = awaitFlows(net, 12);
                String victim = flows.getFirst();
                int victimIndex = List.of(SERVERS).indexOf(victim);

                // Its service stops: the health check, from bal1, finds it down and its flows go.
                servers.get(victimIndex).destroyForcibly().waitFor();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> !apiJson(net).contains("\"backend\":\"web/" + victim + "\""));
                List<String> left = flows(conns(net));
                assertThat(left).doesNotContain(victim).hasSize((int) flows.stream().filter(b -> !b.equals(victim)).count());

                // New flows go to the other servers only.
                Process second = hold(net, 10);
                List<String> after = awaitFlows(net, left.size() + 10);
                assertThat(after).doesNotContain(victim);
                String table = conns(net);
                assertThat(table).contains("SERVICE", "BACKEND", "ACTIVE", "COMPLETED");
                first.destroy();
                second.destroy();
            }
        }
    }

    /** Opens {@code n} connections to the VIP from the client namespace and keeps them open. */
    private static Process hold(NetnsTopology net, int n) throws IOException {
        Process p = net.spawn(NetnsTopology.CLIENT, "python3", "-u", "-c", """
                import socket, sys, time
                held = []
                for i in range(int(sys.argv[1])):
                    for attempt in range(10):
                        s = socket.socket()
                        s.settimeout(2)
                        try:
                            s.connect(("10.99.0.100", 8080))
                            held.append(s)
                            break
                        except OSError:
                            s.close()
                            time.sleep(0.3)
                print("open %d" % len(held), flush=True)
                time.sleep(120)
                """, Integer.toString(n));
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        try {
            assertThat(r.readLine()).isEqualTo("open " + n);
        } catch (IOException e) {
            p.destroyForcibly();
            throw e;
        }
        return p;
    }

    /** The backends of the ACTIVE flows, as {@code fulcrum conns} prints them, once there are {@code n}. */
    private static List<String> awaitFlows(NetnsTopology net, int n) {
        List<String> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            seen.clear();
            seen.addAll(flows(conns(net)));
            return seen.size() == n;
        });
        return List.copyOf(seen);
    }

    private static List<String> flows(String table) {
        List<String> out = new ArrayList<>();
        for (String line : table.lines().toList()) {
            Matcher m = FLOW.matcher(line);
            if (m.matches()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** {@code fulcrum conns} in the balancer's namespace (where the admin API listens on its loopback). */
    private static String conns(NetnsTopology net) throws Exception {
        try (FulcrumProcess conns = FulcrumProcess.startInNamespace(Files.createTempDirectory("conns"), net.ns("bal1"),
                "conns", "--server", "http://127.0.0.1:9900", "--token", TOKEN)) {
            int code = conns.waitFor(Duration.ofSeconds(60));
            assertThat(code).as("fulcrum conns: %s", conns.stderr()).isZero();
            return conns.stdout();
        }
    }

    /** The connection table's JSON, read with curl (quicker than a JVM while waiting). */
    private static String apiJson(NetnsTopology net) {
        try {
            return net.exec("bal1", "curl", "-s", "-H", "Authorization: Bearer " + TOKEN,
                    "http://127.0.0.1:9900/api/v1/connections?limit=1000");
        } catch (Exception | AssertionError e) {
            return "";
        }
    }
}
