package io.fulcrum.dns.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the command-line clients the tests use. */
public final class Tools {

    private Tools() {
    }

    static List<String> with(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    /** Runs a command (at most 20 s) and returns its standard output; fails on a non-zero exit. */
    public static String run(List<String> command) throws IOException, InterruptedException {
        return run(command, 20);
    }

    /** Runs a command for at most {@code seconds} and returns its standard output; fails on a non-zero exit. */
    public static String run(List<String> command, int seconds) throws IOException, InterruptedException {
        return run(command, seconds, true);
    }

    /**
     * Runs a command for at most 20 s and returns its output whatever its exit status (kdig
     * exits with 1 when the server answers with an error).
     */
    public static String output(List<String> command) throws IOException, InterruptedException {
        return run(command, 20, false);
    }

    private static String run(List<String> command, int seconds, boolean checkExit)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        InputStream in = p.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                in.transferTo(out);
            } catch (IOException ignored) {
                // the process was killed
            }
        });
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        reader.join(2000);
        String text = out.toString(StandardCharsets.UTF_8);
        if (checkExit && p.exitValue() != 0) {
            throw new IOException(command + " exited with " + p.exitValue() + ":\n" + text);
        }
        return text;
    }

    /** Whether a command can be found on the PATH. */
    public static boolean available(String command) {
        try {
            return new ProcessBuilder("sh", "-c", "command -v " + command).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
