package io.fulcrum.health.check;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * ICMP echo. The JVM cannot open raw sockets, and {@code InetAddress.isReachable}
 * silently falls back to a TCP probe of port 7 when it lacks privileges, so this
 * check runs the system {@code ping} binary (one echo, on the health service's
 * virtual thread, never an event loop). When there is no usable {@code ping}, every
 * result says so: "ICMP echo cannot run: ...".
 */
public final class IcmpCheck implements HealthCheck {

    /** Where {@code ping} is looked for when none is given. */
    public static final List<String> PING_LOCATIONS = List.of("/usr/bin/ping", "/bin/ping", "/usr/sbin/ping",
            "/sbin/ping");

    private final Duration timeout;
    private final String ping;

    /** Uses the system {@code ping}. */
    public IcmpCheck(Duration timeout) {
        this(timeout, findPing());
    }

    /** Uses this {@code ping} binary ({@code null} = none available). */
    public IcmpCheck(Duration timeout, String pingBinary) {
        this.timeout = timeout;
        this.ping = pingBinary;
    }

    private static String findPing() {
        for (String p : PING_LOCATIONS) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return null;
    }


    @Override
    public CheckResult run(String host, int port) {
        Timer t = new Timer(timeout);
        if (ping == null || !Files.isExecutable(Path.of(ping))) {
            return CheckResult.failed("ICMP echo cannot run: no ping binary"
                    + (ping == null ? " found in " + PING_LOCATIONS : " at " + ping)
                    + " (install iputils-ping, or use a tcp check)", t.elapsed());
        }
        long waitSeconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        ProcessBuilder pb = new ProcessBuilder(ping, "-n", "-c", "1", "-W", Long.toString(waitSeconds), host)
                .redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return CheckResult.failed("ICMP echo cannot run: " + Errors.describe(e), t.elapsed());
        }
        try (InputStream in = p.getInputStream()) {
            boolean done = p.waitFor(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            long total = t.elapsed();
            if (!done) {
                p.destroyForcibly();
                return CheckResult.timeout("no echo reply within " + timeout.toMillis() + " ms", total);
            }
            String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() == 0) {
                return new CheckResult(true, false, "echo reply" + rtt(out), -1, -1, total, total, -1);
            }
            if (out.contains("Operation not permitted") || out.contains("permission denied")
                    || out.contains("socket: ")) {
                return CheckResult.failed("ICMP echo cannot run: " + firstLine(out), total);
            }
            return new CheckResult(false, p.exitValue() == 1, "no echo reply (" + firstLine(out) + ")", -1, -1, -1,
                    total, -1);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return CheckResult.failed("interrupted", t.elapsed());
        } catch (IOException e) {
            return CheckResult.failed("ICMP echo failed: " + Errors.describe(e), t.elapsed());
        }
    }

    private static String rtt(String out) {
        int i = out.indexOf("time=");
        if (i < 0) {
            return "";
        }
        int end = out.indexOf('\n', i);
        return " " + out.substring(i, end < 0 ? out.length() : end).trim();
    }

    private static String firstLine(String out) {
        String[] lines = out.strip().split("\n");
        for (String l : lines) {
            if (l.contains("loss") || l.contains("ping:") || l.contains("not permitted")) {
                return l.strip();
            }
        }
        return lines.length == 0 ? "ping failed" : lines[lines.length - 1].strip();
    }
}
