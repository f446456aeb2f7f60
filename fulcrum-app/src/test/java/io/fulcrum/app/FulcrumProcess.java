package io.fulcrum.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code fulcrum} command in a real child JVM (same classpath as the tests), so that
 * exit codes, signals and bound sockets are the real ones. Output goes to files, which
 * the test can read at any time without the child ever blocking on a full pipe.
 */
final class FulcrumProcess implements AutoCloseable {

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private FulcrumProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static FulcrumProcess start(Path workDir, String... args) throws IOException {
        return start(workDir, List.of(), Map.of(), args);
    }

    /** Starts it with these variables added to (or replacing those of) the test's environment. */
    static FulcrumProcess startWithEnvironment(Path workDir, Map<String, String> environment, String... args)
            throws IOException {
        return start(workDir, List.of(), environment, args);
    }

    /**
     * Starts it as {@code nohup} does: SIGHUP ignored, a disposition the child inherits
     * ({@code trap '' HUP} in a bash wrapper that then {@code exec}s the JVM, so the process
     * id is the JVM's).
     */
    static FulcrumProcess startWithSighupIgnored(Path workDir, String... args) throws IOException {
        return start(workDir, List.of("bash", "-c", "trap '' HUP; exec \"$0\" \"$@\""), Map.of(), args);
    }

    /** Starts it inside a network namespace ({@code ip netns exec NAME}), as an operator would serve one. */
    static FulcrumProcess startInNamespace(Path workDir, String netns, String... args) throws IOException {
        return start(workDir, List.of("ip", "netns", "exec", netns), Map.of(), args);
    }

    private static FulcrumProcess start(Path workDir, List<String> wrapper, Map<String, String> environment,
                                        String... args) throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                FulcrumCommand.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(workDir, "stdout", ".txt");
        Path err = Files.createTempFile(workDir, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process p = builder
                .directory(workDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        return new FulcrumProcess(p, out, err);
    }

    /** Runs to completion and returns the exit code; fails the test if it takes longer than {@code limit}. */
    int waitFor(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("fulcrum did not exit within " + limit + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
        }
        return process.exitValue();
    }

    /** Sends SIGTERM, as a service manager would. */
    void terminate() {
        process.destroy();
    }

    /** The child's process id. */
    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "<unreadable: " + e + ">";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
