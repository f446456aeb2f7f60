package io.fulcrum.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code etcd} server (the Debian {@code etcd-server} binary on the {@code PATH}) for
 * tests: it listens on loopback only, on ports from {@link FreePorts}, keeps its data in a
 * temporary directory of its own, and can be stopped, killed with SIGKILL and started
 * again on the same data and ports (a member that comes back after a crash).
 *
 * <p>One member on its own: {@link #single()}. A member of a cluster is built by
 * {@link EtcdCluster}, which gives every member the whole {@code --initial-cluster}.
 * The server's output goes to {@code etcd.log} beside its data, for a failing test to read.
 */
public final class EtcdProcess implements AutoCloseable {

    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(30);

    private final String name;
    private final String host;
    private final int clientPort;
    private final int peerPort;
    private final Path home;
    private final Path dataDir;
    private final Path log;
    private String initialCluster;
    private String clusterToken;
    private Tls tls;
    private Process process;

    /**
     * TLS for the client port: the server's certificate and key, and the CA whose client
     * certificates it requires (PEM files).
     */
    public record Tls(Path cert, Path key, Path ca) {
    }

    EtcdProcess(String name, String host, int clientPort, int peerPort, Path home) {
        this.name = name;
        this.host = host;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.home = home;
        this.dataDir = home.resolve("data");
        this.log = home.resolve("etcd.log");
        this.initialCluster = name + "=" + peerUrl();
        this.clusterToken = "fulcrum-test-" + name;
    }

    /** A one-member etcd on 127.0.0.1, started and healthy. */
    public static EtcdProcess single() {
        EtcdProcess etcd = create("etcd0");
        etcd.start();
        etcd.awaitHealthy();
        return etcd;
    }

    /** A one-member etcd on 127.0.0.1, not started yet (call {@link #start()} and {@link #awaitHealthy()}). */
    public static EtcdProcess create(String name) {
        String host = "127.0.0.1";
        try {
            return new EtcdProcess(name, host, FreePorts.tcp(host), FreePorts.tcp(host),
                    Files.createTempDirectory("fulcrum-etcd-" + name + "-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes this a member of a cluster: the peers' {@code name=peerUrl} list and the cluster's token. */
    void joinCluster(String initialCluster, String clusterToken) {
        this.initialCluster = initialCluster;
        this.clusterToken = clusterToken;
    }

    /** The member's name. */
    public String name() {
        return name;
    }

    /** The URL clients connect to, {@code http://127.0.0.1:PORT} ({@code https://} with TLS). */
    public String endpoint() {
        return (tls != null ? "https://" : "http://") + host + ":" + clientPort;
    }

    /**
     * Serves clients over TLS only, with client certificates required (before {@link #start()});
     * {@link #awaitHealthy()} and {@link #etcdctl} then log in with {@code client}.
     *
     * @param server the server's certificate and key, and the CA clients' certificates must come from
     * @param client a client certificate and key of that CA, and the CA of the server's certificate
     */
    public EtcdProcess tls(Tls server, Tls client) {
        this.tls = server;
        this.clientTls = client;
        return this;
    }

    private Tls clientTls;

    /** The URL other members connect to. */
    public String peerUrl() {
        return "http://" + host + ":" + peerPort;
    }

    /** The client port. */
    public int clientPort() {
        return clientPort;
    }

    /** Where the server's standard output and error go. */
    public Path logFile() {
        return log;
    }

    /** Whether the process is running. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Launches the server (on the data it has, if it ran before). Does not wait for it: a
     * cluster member only becomes healthy once a quorum of members runs.
     */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException("etcd " + name + " is already running");
        }
        List<String> command = new ArrayList<>(List.of(
                "etcd",
                "--name", name,
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", endpoint(),
                "--advertise-client-urls", endpoint(),
                "--listen-peer-urls", peerUrl(),
                "--initial-advertise-peer-urls", peerUrl(),
                "--initial-cluster", initialCluster,
                "--initial-cluster-token", clusterToken,
                "--initial-cluster-state", "new",
                // Short raft timers: a killed member's peers elect a new leader quickly.
                "--heartbeat-interval", "100",
                "--election-timeout", "1000",
                "--log-level", "warn"));
        if (tls != null) {
            command.addAll(List.of("--cert-file", tls.cert().toString(), "--key-file", tls.key().toString(),
                    "--trusted-ca-file", tls.ca().toString(), "--client-cert-auth"));
        }
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start etcd (is etcd-server installed?)", e);
        }
    }

    /** Waits until {@code /health} answers {@code true} (the member is part of a cluster with a leader). */
    public void awaitHealthy() {
        if (tls != null) {
            awaitHealthyOverTls();
            return;
        }
        long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint() + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            if (!isRunning()) {
                throw new IllegalStateException("etcd " + name + " exited: " + logTail());
            }
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"true\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(100);
        }
        throw new IllegalStateException("etcd " + name + " not healthy within " + HEALTHY_WITHIN + ": " + logTail());
    }

    private void awaitHealthyOverTls() {
        long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
        while (true) {
            if (!isRunning()) {
                throw new IllegalStateException("etcd " + name + " exited: " + logTail());
            }
            try {
                etcdctl("endpoint", "health");
                return;
            } catch (IllegalStateException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("etcd " + name + " not healthy within " + HEALTHY_WITHIN + ": "
                            + notYet.getMessage() + " " + logTail());
                }
            }
            sleep(200);
        }
    }

    /** Stops the server with SIGTERM and waits for it to exit; its data stays. */
    public synchronized void stop() {
        end(false);
    }

    /** Kills the server with SIGKILL (no clean shutdown) and waits for it to exit; its data stays. */
    public synchronized void kill() {
        end(true);
    }

    /** Starts the server again on its data and ports, and waits until it is healthy. */
    public void restart() {
        start();
        awaitHealthy();
    }

    /**
     * Runs {@code etcdctl} against this member and returns its output; fails when it exits
     * with an error.
     */
    public String etcdctl(String... args) {
        List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints=" + endpoint(),
                "--dial-timeout=5s", "--command-timeout=10s"));
        if (clientTls != null) {
            command.addAll(List.of("--cacert=" + clientTls.ca(), "--cert=" + clientTls.cert(),
                    "--key=" + clientTls.key()));
        }
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("ETCDCTL_API", "3");
            Process p = builder.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("etcdctl " + String.join(" ", args) + " did not finish");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("etcdctl " + String.join(" ", args) + " failed: " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the server and deletes its data directory. */
    @Override
    public synchronized void close() {
        kill();
        deleteTree(home);
    }

    private void end(boolean forcibly) {
        if (process == null) {
            return;
        }
        if (forcibly) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private String logTail() {
        try {
            String text = Files.readString(log);
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A leftover temporary directory is harmless.
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
