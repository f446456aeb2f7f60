package io.fulcrum.packet;

import io.fulcrum.core.config.BackendConfig;
import io.fulcrum.core.config.FulcrumConfig;
import io.fulcrum.core.config.HostPort;
import io.fulcrum.core.config.PoolConfig;
import io.fulcrum.core.config.ServerSettings;
import io.fulcrum.core.config.l4.L4ListenerConfig;
import io.fulcrum.core.config.l4.L4TimeoutsConfig;
import io.fulcrum.core.config.l4.VirtualServiceConfig;
import io.fulcrum.testsupport.config.FulcrumConfigBuilder;
import io.fulcrum.testsupport.config.PoolConfigBuilder;
import io.fulcrum.testsupport.netns.NetnsTopology;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * One packet-mode test's world: the namespace topology, the Python test servers in the three
 * server namespaces (TCP and UDP on {@link #PORT}), the client script, and packet services
 * started in balancer namespaces. {@link #close} stops and removes everything.
 */
final class PacketFixture implements AutoCloseable {

    static final int PORT = 8080;
    static final String[] SERVERS = {"srv1", "srv2", "srv3"};

    final NetnsTopology net;
    private final Path scripts;
    private final Process[] servers = new Process[3];
    private final List<PacketService> services = new ArrayList<>();

    private PacketFixture(NetnsTopology net, Path scripts) {
        this.net = net;
        this.scripts = scripts;
    }

    /** Builds the topology and starts the three servers (skips the test where that cannot be done). */
    static PacketFixture start() throws IOException, InterruptedException {
        NetnsTopology net = NetnsTopology.up();
        PacketFixture f = null;
        try {
            Path dir = Files.createTempDirectory("packet-scripts");
            for (String s : List.of("server.py", "client.py", "announcements.py")) {
                try (InputStream in = PacketFixture.class.getResourceAsStream("/netns/" + s)) {
                    Files.copy(in, dir.resolve(s));
                }
            }
            f = new PacketFixture(net, dir);
            for (int i = 0; i < 3; i++) {
                f.startServer(i);
            }
            return f;
        } catch (IOException | RuntimeException | Error e) {
            if (f != null) {
                f.close();
            } else {
                net.close();
            }
            throw e;
        }
    }

    /** (Re)starts server {@code i} (0..2) and waits until it listens. */
    void startServer(int i) throws IOException {
        Process p = net.spawn(SERVERS[i], "python3", "-u", scripts.resolve("server.py").toString(), SERVERS[i],
                Integer.toString(PORT));
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (!"ready".equals(line)) {
            throw new IOException("server " + SERVERS[i] + " did not start: " + line);
        }
        servers[i] = p;
    }

    /** Kills server {@code i}'s process (its socket goes with it: the kernel answers RST). */
    void killServer(int i) throws InterruptedException {
        servers[i].descendants().forEach(ProcessHandle::destroyForcibly);
        servers[i].destroyForcibly();
        servers[i].waitFor();
    }

    /** Runs the client script in the client namespace; returns its output lines. */
    List<String> client(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("python3", "-u", scripts.resolve("client.py").toString()));
        cmd.addAll(Arrays.asList(args));
        String out = net.exec(NetnsTopology.CLIENT, cmd.toArray(new String[0]));
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** Starts the client script without waiting; its output is read by the caller. */
    Process clientAsync(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("python3", "-u", scripts.resolve("client.py").toString()));
        cmd.addAll(Arrays.asList(args));
        return net.spawn(NetnsTopology.CLIENT, cmd.toArray(new String[0]));
    }

    /** Starts one of the test scripts in the client namespace without waiting. */
    Process script(String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("python3", "-u", scripts.resolve(name).toString()));
        cmd.addAll(Arrays.asList(args));
        return net.spawn(NetnsTopology.CLIENT, cmd.toArray(new String[0]));
    }

    /** Starts a packet service for a configuration inside a balancer namespace; waits until it knows the members' MACs. */
    PacketService balancer(String node, FulcrumConfig config) throws IOException {
        PacketService s = new PacketService(null, net.nsPath(node).toString());
        services.add(s);
        s.start(config);
        await().atMost(Duration.ofSeconds(10)).until(s::membersResolved);
        return s;
    }

    /** A byte counter of an interface in a namespace ({@code rx_bytes}, {@code tx_packets}...). */
    long counter(String node, String name) throws IOException, InterruptedException {
        return Long.parseLong(net.exec(node, "cat", "/sys/class/net/eth0/statistics/" + name).strip());
    }

    /** The servers' eth0 addresses in the topology. */
    static String serverAddress(int i, boolean v6) {
        return v6 ? "fd99::2" + (i + 1) : "10.99.0.2" + (i + 1);
    }

    static BackendConfig backend(String name, String host, int port, int weight) {
        return new BackendConfig(name, new HostPort(host, port), weight, null, null, null, null, null);
    }

    /** A pool of the three servers with these weights (IPv4 or IPv6 addresses), on {@code port}. */
    static PoolConfig pool(String name, boolean v6, int port, int... weights) {
        List<BackendConfig> bs = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            bs.add(backend(SERVERS[i], serverAddress(i, v6), port, weights[i]));
        }
        return PoolConfigBuilder.pool(name).connectTimeout(Duration.ofSeconds(2)).backends(bs).build();
    }

    static VirtualServiceConfig service(String name, String mode, List<String> vips, L4TimeoutsConfig timeouts,
                                        L4ListenerConfig... listeners) {
        return new VirtualServiceConfig(name, vips, timeouts, null, List.of(listeners), mode, "eth0");
    }

    static L4ListenerConfig listener(String protocol, String pool) {
        return new L4ListenerConfig(PORT, protocol, pool, null, null, null, null, null, null, null);
    }

    static L4TimeoutsConfig timeouts(Duration fin, Duration stale, Duration udp) {
        return new L4TimeoutsConfig(null, null, fin, stale, udp);
    }

    static FulcrumConfig config(List<PoolConfig> pools, List<VirtualServiceConfig> services) {
        return FulcrumConfigBuilder.config()
                .server(new ServerSettings(1, "site-a", "node-a", Duration.ofSeconds(5), Duration.ofMillis(100),
                        null, null, null, null))
                .noAccessLog()
                .listeners(List.of())
                .pools(pools)
                .virtualServices(services)
                .build();
    }

    @Override
    public void close() {
        for (PacketService s : services) {
            s.close();
        }
        net.close();
    }
}
