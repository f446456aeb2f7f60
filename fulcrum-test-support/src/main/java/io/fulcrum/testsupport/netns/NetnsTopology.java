package io.fulcrum.testsupport.netns;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The packet-mode test topology of {@code examples/netns/topology.sh}, built by that same script
 * under a name prefix unique to this JVM and instance, so parallel runs never collide: a bridge
 * namespace with a client, two balancers and three servers (addresses in the script's header).
 * Everything lives in namespaces the script creates; {@link #close} removes them, and a shutdown
 * hook does so too if a test never reaches its close. The prefix starts with
 * {@code FULCRUM_TEST_NETNS_PREFIX} when that variable is set (letters and digits), else
 * {@code ft}, so that runs of different people on one machine can tell their namespaces apart.
 *
 * <p>Needs root and the {@code ip} tool: {@link #up()} skips the calling test (a JUnit assumption
 * with the reason) otherwise.
 */
public final class NetnsTopology implements AutoCloseable {

    /** The client namespace's node name (see {@link #ns}). */
    public static final String CLIENT = "client";
    /** DSR VIPs (on the servers' {@code lo}). */
    public static final String DSR_VIP4 = "10.99.0.100";
    public static final String DSR_VIP6 = "fd99::100";
    /** DNAT VIPs (the client's second networks; the servers route them via bal1). */
    public static final String DNAT_VIP4 = "10.99.1.100";
    public static final String DNAT_VIP6 = "fd99:1::100";

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Path script;
    private final String prefix;
    private final Thread cleanup;
    private final List<Process> processes = new ArrayList<>();
    private boolean closed;

    private NetnsTopology(Path script, String prefix) {
        this.script = script;
        this.prefix = prefix;
        this.cleanup = new Thread(this::down, "netns-cleanup-" + prefix);
    }

    /** Builds a fresh topology, or skips the test when this machine cannot. */
    public static NetnsTopology up() throws IOException, InterruptedException {
        Assumptions.assumeTrue(isRoot(), "network namespace tests need root (they create namespaces and veths)");
        Assumptions.assumeTrue(works("ip", "-V"), "network namespace tests need the ip tool (iproute2)");
        Path script = findScript();
        Assumptions.assumeTrue(script != null, "examples/netns/topology.sh not found above " + Path.of("").toAbsolutePath());
        String prefix = prefixBase() + Long.toString(ProcessHandle.current().pid(), 36) + "x" + SEQUENCE.incrementAndGet();
        NetnsTopology t = new NetnsTopology(script, prefix);
        Runtime.getRuntime().addShutdownHook(t.cleanup);
        try {
            t.script("up");
        } catch (IOException | RuntimeException | Error | InterruptedException e) {
            t.close();
            throw e;
        }
        return t;
    }

    /** {@code FULCRUM_TEST_NETNS_PREFIX}, or {@code ft}. */
    private static String prefixBase() {
        String base = System.getenv("FULCRUM_TEST_NETNS_PREFIX");
        if (base == null || base.isEmpty()) {
            return "ft";
        }
        if (!base.matches("[A-Za-z0-9]{1,16}")) {
            throw new IllegalArgumentException("FULCRUM_TEST_NETNS_PREFIX=" + base + ": letters and digits only, at most 16");
        }
        return base;
    }

    /** The namespace name of a node ({@code client}, {@code bal1}, {@code bal2}, {@code srv1}..{@code srv3}). */
    public String ns(String node) {
        return prefix + "-" + node;
    }

    /** The namespace file of a node, for {@code setns(2)}. */
    public Path nsPath(String node) {
        return Path.of("/run/netns", ns(node));
    }

    /** Runs a command in a node's namespace; it must exit 0 within 30 s; returns its output. */
    public String exec(String node, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(node, cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " in " + node + " did not finish; output:\n" + out);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " in " + node + " exited with " + p.exitValue()
                    + "; output:\n" + out);
        }
        return out;
    }

    /** Starts a long-running command in a node's namespace; it is killed at {@link #close}. */
    public synchronized Process spawn(String node, String... cmd) throws IOException {
        Process p = new ProcessBuilder(command(node, cmd)).redirectErrorStream(true).start();
        processes.add(p);
        return p;
    }

    private List<String> command(String node, String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns(node)));
        full.addAll(List.of(cmd));
        return full;
    }

    /** Kills what {@link #spawn} started and removes every namespace. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        down();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running or ran
        }
    }

    private void down() {
        try {
            script("down");
        } catch (IOException | InterruptedException e) {
            System.err.println("netns topology " + prefix + " not removed: " + e.getMessage());
        }
    }

    private void script(String action) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", script.toString(), action, prefix).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("topology.sh " + action + " " + prefix + " failed:\n" + out);
        }
    }

    private static boolean isRoot() {
        try {
            return "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
                    StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean works(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static Path findScript() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve("examples/netns/topology.sh");
            if (Files.isRegularFile(s)) {
                return s;
            }
        }
        return null;
    }
}
