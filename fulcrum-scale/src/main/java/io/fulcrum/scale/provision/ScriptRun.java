package io.fulcrum.scale.provision;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of an operator's program: the request written to its standard input, its standard
 * output kept (up to {@value #MAX_ANSWER_BYTES} bytes) as the answer, the end of its standard
 * error kept for messages, and the deadline enforced by ending its process tree. Blocks
 * (virtual threads only).
 */
final class ScriptRun {

    private static final Logger LOG = LoggerFactory.getLogger(ScriptRun.class);

    /** The most of an answer read; a program that writes more is failed. */
    static final int MAX_ANSWER_BYTES = 1 << 20;
    /** How long the output of a program that exited is still read (a child it started may hold the pipe). */
    private static final Duration OUTPUT_AFTER_EXIT = Duration.ofMillis(500);

    /**
     * How a run ended.
     *
     * @param exitCode  its exit status (-1 when it did not finish or could not run)
     * @param stdout    what it wrote to standard output
     * @param stderr    the end of what it wrote to standard error, lines joined with " | "
     * @param failure   why it gave no usable outcome (could not run, deadline, too much output), or null
     */
    record Outcome(int exitCode, String stdout, String stderr, String failure) {

        /** {@code "; its standard error ended with: ..."} when it wrote some, else "". */
        String stderrSuffix() {
            return stderr.isEmpty() ? "" : "; its standard error ended with: " + stderr;
        }
    }

    private ScriptRun() {
    }

    /**
     * Runs {@code argv} with {@code request} on its standard input until it exits or the
     * deadline passes (then SIGTERM, SIGKILL after {@code killGrace}).
     */
    static Outcome run(List<String> argv, String request, String workingDirectory, Map<String, String> environment,
                       Instant deadline, Duration killGrace) {
        ProcessBuilder b = new ProcessBuilder(argv);
        if (workingDirectory != null) {
            b.directory(new File(workingDirectory));
        }
        b.environment().putAll(environment);
        Process p;
        try {
            p = b.start();
        } catch (IOException e) {
            return new Outcome(-1, "", "", "cannot run " + argv.getFirst() + ": " + e.getMessage());
        }
        OutputTail stderr = new OutputTail();
        Thread errors = stderr.drain(p.getErrorStream(), LOG, argv.getFirst());
        BoundedRead answer = new BoundedRead(p.getInputStream());
        Thread reader = Thread.ofVirtual().name("fulcrum-exec-answer").start(answer);
        write(p.getOutputStream(), request);
        boolean finished;
        try {
            finished = p.waitFor(Math.max(0, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) {
            ProcessTrees.Ending ending = ProcessTrees.terminate(p.toHandle(), killGrace);
            join(reader, errors);
            return new Outcome(-1, answer.text(), stderr.text(), argv.getFirst() + " did not finish by the deadline and"
                    + " was killed" + (ending == ProcessTrees.Ending.KILLED ? " with SIGKILL" : " with SIGTERM"));
        }
        join(reader, errors);
        if (answer.overflowed()) {
            return new Outcome(p.exitValue(), "", stderr.text(), argv.getFirst() + " wrote more than "
                    + MAX_ANSWER_BYTES + " bytes to its standard output");
        }
        return new Outcome(p.exitValue(), answer.text(), stderr.text(), null);
    }

    private static void write(OutputStream in, String request) {
        try (in) {
            in.write(request.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The program does not read its standard input (or exited): its outcome says the rest.
        }
    }

    /** Waits for the readers to reach the end of the output (a child that keeps the pipes open is not waited for). */
    private static void join(Thread... readers) {
        for (Thread t : readers) {
            try {
                t.join(OUTPUT_AFTER_EXIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Reads a stream to its end, keeping at most {@link #MAX_ANSWER_BYTES}. */
    private static final class BoundedRead implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private boolean overflowed;

        BoundedRead(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (this) {
                        if (kept.size() + n > MAX_ANSWER_BYTES) {
                            overflowed = true;
                        } else {
                            kept.write(buf, 0, n);
                        }
                    }
                }
            } catch (IOException closed) {
                // The process is gone: what was read is the answer.
            }
        }

        synchronized String text() {
            return kept.toString(StandardCharsets.UTF_8);
        }

        synchronized boolean overflowed() {
            return overflowed;
        }
    }
}
