package io.fulcrum.app;

import ch.qos.logback.classic.LoggerContext;
import io.fulcrum.control.config.ConfigUnits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGINT/SIGTERM into an orderly stop of a long-running command, and exits 0
 * when that stop completes.
 *
 * <p>The command thread {@link #await() waits}, then shuts its servers down itself and
 * {@link #close() closes} this signal. A JVM shutdown hook is what notices the signal;
 * it wakes the command thread and waits for it to finish. Why the hook then halts the
 * JVM itself: a JVM stopped by a signal otherwise exits with 128 + signal number
 * (130, 143), which service managers report as a failure even after a clean shutdown.
 *
 * <p>Interrupting the waiting thread also ends the wait; that is how a caller that runs
 * the command in-process (a test, an embedding program) stops it without signals.
 */
final class StopSignal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignal.class);

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    /** Read when the signal comes: a reload may have changed {@code server.shutdownGrace} since start. */
    private final java.util.function.Supplier<Duration> cleanupLimit;
    private final Thread hook;
    private volatile boolean signalled;
    private boolean interrupted;

    private StopSignal(java.util.function.Supplier<Duration> cleanupLimit) {
        this.cleanupLimit = cleanupLimit;
        this.hook = Thread.ofPlatform().name("fulcrum-shutdown").unstarted(this::onShutdown);
    }

    /**
     * Starts listening for SIGINT/SIGTERM.
     *
     * @param cleanupLimit how long the command may take to stop after a signal before the process exits
     *                     anyway; asked when the signal comes
     */
    static StopSignal install(Duration cleanupLimit) {
        return install(() -> cleanupLimit);
    }

    /** Like {@link #install(Duration)} with a limit read when the signal comes. */
    static StopSignal install(java.util.function.Supplier<Duration> cleanupLimit) {
        StopSignal signal = new StopSignal(cleanupLimit);
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    /** Blocks until the process is asked to stop (signal) or the calling thread is interrupted. */
    void await() {
        try {
            requested.await();
        } catch (InterruptedException e) {
            // Restored in close(), after the caller has finished its orderly shutdown.
            interrupted = true;
        }
    }

    /** Whether the stop came from a signal rather than an interrupt. */
    boolean signalled() {
        return signalled;
    }

    /**
     * Marks the command's own shutdown as complete: lets a pending signal exit the
     * process with 0, or, when no signal came, unregisters the hook.
     */
    @Override
    public void close() {
        finished.countDown();
        if (!signalled) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shutdownAlreadyStarted) {
                // The hook is running and will see 'finished'.
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void onShutdown() {
        signalled = true;
        requested.countDown();
        int exitCode = ExitCodes.OK;
        Duration limit = cleanupLimit.get();
        try {
            if (!finished.await(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.error("shutdown did not finish within {}; exiting anyway",
                        ConfigUnits.formatDuration(limit));
                exitCode = ExitCodes.FAILURE;
            }
        } catch (InterruptedException e) {
            exitCode = ExitCodes.FAILURE;
        }
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.stop(); // flushes buffered appenders before the halt
        }
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(exitCode);
    }
}
