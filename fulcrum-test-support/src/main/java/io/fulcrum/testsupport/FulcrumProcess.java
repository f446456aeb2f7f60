package io.fulcrum.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Fulcrum node in a JVM of its own, for tests about a fleet (several nodes, one
 * killed with SIGKILL, one restarted): the test's own class path, the given main class
 * (the app's, which this module cannot name) and {@code run -c FILE}. Its standard output
 * and error go to one file, which {@link #awaitOutput} reads.
 */
public final class FulcrumProcess implements AutoCloseable {

    private static final Duration STOP_WITHIN = Duration.ofSeconds(20);

    private final String name;
    private final String mainClass;
    private final Path config;
    private final Path log;
    private final List<String> jvmOptions;
    private Process process;

    /**
     * @param name       a name for the log file and messages ({@code node1})
     * @param mainClass  the main class to run ({@code io.fulcrum.app.FulcrumCommand})
     * @param config     the configuration file passed as {@code run -c FILE}
     * @param jvmOptions extra JVM options ({@code -Dfoo=bar})
     */
    public FulcrumProcess(String name, String mainClass, Path config, List<String> jvmOptions) {
        this.name = name;
        this.mainClass = mainClass;
        this.config = config;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.log = config.resolveSibling(name + ".log");
    }

    /** Starts the process; it is not ready yet (see {@link #awaitOutput}). */
    public synchronized FulcrumProcess start() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running");
        }
        String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(javaBinary,
                // Small and quick to start: the machine runs several of these beside the build.
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        try {
            command.add("@" + classPathFile());
            command.addAll(List.of(mainClass, "run", "-c", config.toString()));
            Files.writeString(log, "", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Whether the process is running. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The process id, while it runs. */
    public synchronized long pid() {
        return process.pid();
    }

    /** Where its standard output and error go. */
    public Path logFile() {
        return log;
    }

    /** Everything it printed so far (all its runs). */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Waits until the output holds {@code text} at least {@code count} times in all (so a
     * restarted process can wait for its second "started"); fails when the process exits
     * first or the time runs out.
     */
    public void awaitOutput(String text, int count, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (occurrences(output(), text) >= count) {
                return;
            }
            if (!isRunning()) {
                throw new IllegalStateException(name + " exited before printing '" + text + "':\n" + tail());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(name + " did not print '" + text + "' within " + within + ":\n" + tail());
    }

    /** Kills it with SIGKILL (no shutdown hook runs) and waits for it to be gone. */
    public synchronized void kill() {
        end(true);
    }

    /** Stops it with SIGTERM (its clean shutdown) and waits for it to exit. */
    public synchronized void stop() {
        end(false);
    }

    /** The last part of its output, for a failure message. */
    public String tail() {
        String text = output();
        return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    }

    @Override
    public void close() {
        stop();
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
            if (!process.waitFor(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** The test class path in a java @argfile: a long class path does not fit one argument. */
    private Path classPathFile() throws IOException {
        Path file = config.resolveSibling(name + ".classpath");
        String cp = System.getProperty("java.class.path");
        Files.writeString(file, "-cp \"" + cp.replace("\\", "\\\\") + "\"\n");
        return file;
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }
}
