package io.fulcrum.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the command-line clients tests check the product with (curl, nghttp, h2load, dig). */
public final class Commands {

    private Commands() {
    }

    /** Whether a command can be run (it exits 0 within 10 s). */
    public static boolean works(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * Runs a command that must succeed within 60 s and returns its output (standard output
     * and error); a failure or a non-zero exit fails the test with that output.
     */
    public static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd[0] + " did not finish within 60 s; output:\n" + out);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " exited with " + p.exitValue() + "; output:\n" + out);
        }
        return out;
    }

    /**
     * {@code dig @server -p port name type +short}, one try of 2 s: the answer's records, one a
     * line, stripped; when no answer comes, what dig printed instead (a test that waits for
     * an answer just sees another text).
     */
    public static String dig(String server, int port, String name, String type) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("dig", "@" + server, "-p", Integer.toString(port), name, type,
                "+short", "+time=2", "+tries=1"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }
}
