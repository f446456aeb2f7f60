package io.fulcrum.app;

import io.fulcrum.nativeio.CpuList;
import io.fulcrum.nativeio.Libc;
import io.fulcrum.testsupport.FreePorts;
import io.fulcrum.testsupport.ThreadCpus;
import io.fulcrum.testsupport.netns.NetnsTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Where a real node's threads may run, read from the kernel ({@code /proc/PID/task/TID/comm}
 * and {@code Cpus_allowed_list}): with a packet-mode (DSR) service, started with
 * {@code ip netns exec} in the balancer namespace of the test topology, the packet thread is on
 * the packet CPU and every event loop (HTTP proxy, L4 router, DNS with its batch UDP thread,
 * admin API) runs on the other CPUs; without one, nothing is moved.
 */
class PacketCpuNodeTest {

    private static final String TOKEN = "packet-cpu-node-test-token";
    /**
     * The event-loop threads' names as the kernel keeps them (15 characters at most): Netty's
     * {@code PREFIX-POOL-N} of each group, and the DNS server's batch UDP threads.
     */
    private static final List<String> EVENT_LOOPS = List.of("fulcrum-io-", "fulcrum-l4-", "fulcrum-dns-", "fulcrum-admin-",
            "fulcrum-dns-udp");
    private static final java.util.regex.Pattern EVENT_LOOP =
            java.util.regex.Pattern.compile("^(fulcrum-(io|l4|dns|admin)-\\d|fulcrum-dns-udp).*");

    @TempDir
    Path dir;

    @Test
    void thePacketThreadHasItsCpuAndTheEventLoopsTheOthers() throws Exception {
        int[] allowed = Libc.allowedCpus();
        assumeThat(allowed.length).as("this process may use one CPU only (%s): nothing to keep apart",
                CpuList.format(allowed)).isGreaterThan(1);
        int packetCpu = allowed[allowed.length - 1];
        String others = CpuList.format(CpuList.without(allowed, packetCpu));
        try (NetnsTopology net = NetnsTopology.up()) {
            Ports ports = new Ports();
            Path config = write(ports, true);
            try (FulcrumProcess node = FulcrumProcess.startInNamespace(dir, net.ns("bal1"), "run", "--no-watch",
                    "-c", config.toString())) {
                awaitServing(node, ports, net);
                Map<String, String> threads = awaitThreads(node);
                assertThat(threads).as("the packet thread on the last allowed CPU (auto)")
                        .containsEntry(packetThread(threads), Integer.toString(packetCpu));
                threads.forEach((thread, cpus) -> {
                    if (isEventLoop(thread)) {
                        assertThat(cpus).as("%s keeps off CPU %d", thread, packetCpu).isEqualTo(others);
                    }
                });
                // Only the busy threads moved: the JVM's own (here its first thread) keep every CPU.
                assertThat(threads).containsEntry(firstThread(threads, node.pid()), CpuList.format(allowed));
                assertThat(node.stdout() + node.stderr())
                        .contains("CPU " + packetCpu + " is kept for the packet path");
            }
        }
    }

    @Test
    void withoutAPacketModeServiceTheEventLoopsRunEverywhere() throws Exception {
        int[] allowed = Libc.allowedCpus();
        Ports ports = new Ports();
        Path config = write(ports, false);
        try (FulcrumProcess node = FulcrumProcess.start(dir, "run", "--no-watch", "-c", config.toString())) {
            awaitServing(node, ports, null);
            Map<String, String> threads = awaitThreads(node);
            assertThat(threads.keySet()).noneMatch(t -> t.startsWith("fulcrum-packet"));
            threads.forEach((thread, cpus) -> {
                if (isEventLoop(thread)) {
                    assertThat(cpus).as(thread).isEqualTo(CpuList.format(allowed));
                }
            });
        }
    }

    /** The node's listeners: HTTP, an L4 router service, DNS, admin, each on a free port. */
    private record Ports(int http, int l4, int dns, int admin) {
        Ports() {
            this(FreePorts.tcp("127.0.0.1"), FreePorts.tcp("127.0.0.1"), FreePorts.tcpAndUdp("127.0.0.1"),
                    FreePorts.tcp("127.0.0.1"));
        }
    }

    private Path write(Ports p, boolean packetMode) throws IOException {
        String dsr = packetMode ? """
                  - name: dsr
                    mode: dsr
                    packetInterface: eth0
                    vips: [10.99.0.100]
                    listeners:
                      - {port: 8080, pool: web}
                """ : "";
        Path config = dir.resolve(packetMode ? "packet.yaml" : "plain.yaml");
        Files.writeString(config, """
                server:
                  eventLoopThreads: 2
                  packetCpu: auto
                accessLog:
                  enabled: false
                admin:
                  bind: 127.0.0.1:%d
                  tokens:
                    - {name: test, role: read, token: %s}
                listeners:
                  - name: http
                    bind: 127.0.0.1:%d
                    routes:
                      - {name: all, pool: web}
                pools:
                  - name: web
                    backends:
                      - {name: srv1, address: 10.99.0.21:8080}
                      - {name: srv2, address: 10.99.0.22:8080}
                virtualServices:
                  - name: tcp
                    vips: [127.0.0.1]
                    listeners:
                      - {port: %d, pool: web}
                %sdns:
                  listen: ["127.0.0.1:%d"]
                  zones: [{name: example.test}]
                """.formatted(p.admin(), TOKEN, p.http(), p.l4(), dsr, p.dns()));
        return config;
    }

    /** Waits until the admin API answers and DNS answers a query over UDP (so its threads run). */
    private static void awaitServing(FulcrumProcess node, Ports ports, NetnsTopology net) {
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(node.isAlive()).as("node\n%s\n%s", node.stdout(), node.stderr()).isTrue();
            String api = run(net, "curl", "-s", "-H", "Authorization: Bearer " + TOKEN,
                    "http://127.0.0.1:" + ports.admin() + "/api/v1/connections?limit=1");
            String dig = run(net, "dig", "+tries=1", "+time=2", "@127.0.0.1", "-p", Integer.toString(ports.dns()),
                    "example.test", "SOA");
            // Connections to the HTTP and L4 listeners: each group's loops run for them.
            run(net, "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/" + ports.http() + "; exec 4<>/dev/tcp/127.0.0.1/"
                    + ports.l4());
            assertThat(api + "\n" + dig).as("node output:\n%s\n%s", node.stdout(), node.stderr())
                    .contains("\"backends\"", "status: NOERROR");
        });
    }

    /** Every thread's name and allowed CPUs, once a thread of each event-loop group is there. */
    private static Map<String, String> awaitThreads(FulcrumProcess node) {
        Map<String, String> seen = new LinkedHashMap<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            seen.clear();
            seen.putAll(ThreadCpus.ofThreads(node.pid()));
            return EVENT_LOOPS.stream().allMatch(prefix -> seen.keySet().stream()
                    .anyMatch(t -> t.startsWith(prefix) && isEventLoop(t)));
        });
        return seen;
    }

    private static boolean isEventLoop(String thread) {
        return EVENT_LOOP.matcher(thread).matches();
    }

    private static String packetThread(Map<String, String> threads) {
        return threads.keySet().stream().filter(t -> t.startsWith("fulcrum-packet")).findFirst()
                .orElseThrow(() -> new AssertionError("no packet thread among " + threads.keySet()));
    }

    /** The thread whose id is the process's (the launcher's, which the JVM started from). */
    private static String firstThread(Map<String, String> threads, long pid) {
        return threads.keySet().stream().filter(t -> t.endsWith("/" + pid)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + pid + " among " + threads.keySet()));
    }

    /** A command in the balancer's namespace ({@code net} null: this one); its output, "" when it failed. */
    private static String run(NetnsTopology net, String... cmd) throws Exception {
        if (net != null) {
            try {
                return net.exec("bal1", cmd);
            } catch (AssertionError notYet) {
                return "";
            }
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? out : "";
    }
}
