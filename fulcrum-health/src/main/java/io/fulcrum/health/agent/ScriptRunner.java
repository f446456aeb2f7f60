package io.fulcrum.health.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs one operator-defined script ({@code sh -c <command>}) with a time limit and
 * returns its trimmed output (at most 4 KB) and exit code. A number on the first
 * line of the output becomes the script's value, which the manager can use as its
 * host metric ({@code hostMetric: script:<name>}).
 */
public final class ScriptRunner {

    /**
     * One run.
     *
     * @param output   trimmed standard output and error
     * @param exitCode the exit code, or -1 when it was killed for taking too long
     * @param value    the number on its first line, or {@code null}
     */
    public record Outcome(String output, int exitCode, Double value) {
    }

    private static final int MAX_OUTPUT = 4096;

    private ScriptRunner() {
    }

    public static Outcome run(String command, Duration timeout) {
        Process p;
        try {
            p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Outcome("cannot start: " + e.getMessage(), -1, null);
        }
        try (InputStream in = p.getInputStream()) {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Outcome("killed after " + timeout.toMillis() + " ms", -1, null);
            }
            byte[] raw = in.readNBytes(MAX_OUTPUT);
            String out = new String(raw, StandardCharsets.UTF_8).strip();
            return new Outcome(out, p.exitValue(), number(out));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Outcome("interrupted", -1, null);
        } catch (IOException e) {
            return new Outcome("cannot read output: " + e.getMessage(), -1, null);
        }
    }

    private static Double number(String out) {
        String first = out.lines().findFirst().orElse("").trim();
        try {
            return Double.valueOf(first);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
