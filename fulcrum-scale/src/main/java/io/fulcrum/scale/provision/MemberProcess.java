package io.fulcrum.scale.provision;

import io.fulcrum.core.provision.Provisioner.Event;
import io.fulcrum.core.provision.Provisioner.Member;
import io.fulcrum.core.provision.Provisioner.Result;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One member of the {@code process} provisioner: its command, its port, the process that
 * runs it now, and the watcher that restarts it when it exits.
 *
 * <p>The first start waits until the port accepts TCP, within the caller's deadline. After that
 * a watcher (a virtual thread) waits for the process to exit; an exit nobody asked for is told
 * ({@link Event#EXITED}) and followed, after a backoff that doubles with each exit in the restart
 * window, by a start of the same command on the same port ({@link Event#RESTARTED}), until
 * {@code maxRestarts} exits in the window, where it gives up ({@link Event#GAVE_UP}) and leaves
 * the member down for the scaler to replace. {@link #stop} ends all of it.
 */
final class MemberProcess {

    private static final Logger LOG = LoggerFactory.getLogger(MemberProcess.class);

    /** Where a member is in its life. */
    enum State {
        /** Not started yet, or its first start is under way. */
        STARTING,
        /** Its process runs and listened when started. */
        RUNNING,
        /** Its process exited; a restart is waiting or under way. */
        RESTARTING,
        /** Left down after too many exits or a restart that could not run. */
        GAVE_UP,
        /** Stopped by the caller, or its first start failed. */
        STOPPED
    }

    private final String pool;
    private final Member member;
    private final int port;
    private final List<String> argv;
    private final Map<String, String> environment;
    private final ProcessSettings settings;
    private final Consumer<Event> events;
    private final OutputTail output = new OutputTail();
    private final Deque<Instant> exits = new ArrayDeque<>();

    /** A process of this member and the thread that reads its output. */
    private record Launched(Process process, Thread output) {
        /** Waits a little for the output of the ended process to be read to its end. */
        void awaitOutput() {
            try {
                output.join(OUTPUT_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** How long the last output of an ended process is waited for (longer when a child keeps the pipe open). */
    private static final Duration OUTPUT_WAIT = Duration.ofMillis(500);

    private final Object lock = new Object();
    private State state = State.STARTING;
    private Launched process;
    private Thread watcher;

    MemberProcess(String pool, Member member, int port, List<String> argv, Map<String, String> environment,
                  ProcessSettings settings, Consumer<Event> events) {
        this.pool = pool;
        this.member = member;
        this.port = port;
        this.argv = List.copyOf(argv);
        this.environment = Map.copyOf(environment);
        this.settings = settings;
        this.events = events;
    }

    Member member() {
        return member;
    }

    String pool() {
        return pool;
    }

    int port() {
        return port;
    }

    State state() {
        synchronized (lock) {
            return state;
        }
    }

    /** Whether the member is ours to report: running, or between an exit and its restart. */
    boolean runs() {
        State s = state();
        return s == State.RUNNING || s == State.RESTARTING;
    }

    /** The pid of the process that runs it now, or -1. */
    long pid() {
        synchronized (lock) {
            return process == null || !process.process().isAlive() ? -1 : process.process().pid();
        }
    }

    /**
     * Runs the command and waits until the port accepts connections. A process that exits
     * first, or does not listen by the deadline, is stopped and the result says why.
     */
    Result start(Instant deadline) {
        Instant began = Instant.now();
        Launched launched;
        synchronized (lock) {
            if (state != State.STARTING) {
                return Result.failed(member.name() + " is " + state.name().toLowerCase());
            }
            try {
                launched = launch();
            } catch (IOException e) {
                state = State.STOPPED;
                return Result.failed("cannot run " + argv.getFirst() + ": " + e.getMessage());
            }
            process = launched;
        }
        Process p = launched.process();
        TcpReadiness.Outcome ready;
        try {
            ready = TcpReadiness.await(socketAddress(), p, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ready = TcpReadiness.Outcome.DEADLINE;
        }
        if (ready == TcpReadiness.Outcome.READY) {
            synchronized (lock) {
                if (state == State.STARTING) {
                    state = State.RUNNING;
                    watcher = Thread.ofVirtual().name("fulcrum-process-" + member.name()).start(this::watch);
                    return Result.started(member, "pid " + p.pid() + " listens on " + member.address() + " after "
                            + millis(began) + " ms");
                }
            }
            return Result.failed(member.name() + " was stopped while it started");
        }
        synchronized (lock) {
            state = State.STOPPED;
        }
        if (ready == TcpReadiness.Outcome.EXITED) {
            launched.awaitOutput();
            return Result.failed(describeExit(p) + " before it listened on " + member.address() + output.suffix());
        }
        ProcessTrees.Ending ending = ProcessTrees.terminate(p.toHandle(), graceUntil(deadline));
        launched.awaitOutput();
        return Result.failed("pid " + p.pid() + " did not listen on " + member.address() + " by the deadline (after "
                + millis(began) + " ms); " + describe(ending) + output.suffix());
    }

    /**
     * Stops the member: no more restarts, SIGTERM to its process tree, SIGKILL after
     * {@code stopGrace} (or sooner, at the deadline). A member that no longer runs is stopped.
     */
    Result stop(Instant deadline) {
        State before;
        Process p;
        Thread w;
        synchronized (lock) {
            before = state;
            state = State.STOPPED;
            p = process == null ? null : process.process();
            w = watcher;
        }
        if (w != null) {
            w.interrupt();
        }
        if (before == State.STOPPED) {
            return Result.stopped(member.name() + " was already stopped");
        }
        if (p == null) {
            return Result.stopped(member.name() + " had not started");
        }
        ProcessTrees.Ending ending = ProcessTrees.terminate(p.toHandle(), graceUntil(deadline));
        if (w != null) {
            try {
                w.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return switch (ending) {
            case STUCK -> Result.failed("pid " + p.pid() + " of " + member.name() + " still runs after SIGKILL");
            case NOT_RUNNING -> Result.stopped(member.name() + " was not running (" + before.name().toLowerCase() + ")");
            default -> Result.stopped("pid " + p.pid() + " of " + member.name() + " " + describe(ending));
        };
    }

    /** The watcher: restarts the process each time it exits unasked, within the restart budget. */
    private void watch() {
        try {
            while (true) {
                Launched launched;
                synchronized (lock) {
                    launched = process;
                }
                Process p = launched.process();
                p.waitFor();
                launched.awaitOutput();
                synchronized (lock) {
                    if (state == State.STOPPED) {
                        return;
                    }
                    state = State.RESTARTING;
                }
                Duration backoff = recordExit();
                if (backoff == null) {
                    giveUp(describeExit(p) + "; " + exits.size() + " exits within " + settings.restartWindow()
                            + " (maxRestarts " + settings.maxRestarts() + "), so it is left down" + output.suffix());
                    return;
                }
                tell(Event.EXITED, describeExit(p) + "; restarting in " + backoff.toMillis() + " ms" + output.suffix());
                Thread.sleep(backoff);
                if (!restart()) {
                    return;
                }
            }
        } catch (InterruptedException stopped) {
            // stop() interrupted the watcher: it has taken over the process.
        }
    }

    /** One restart: run the command again and wait for it to listen; false when the watcher is done. */
    private boolean restart() throws InterruptedException {
        Process next;
        IOException failed = null;
        synchronized (lock) {
            if (state == State.STOPPED) {
                return false;
            }
            try {
                process = launch();
            } catch (IOException e) {
                process = null;
                failed = e;
            }
            next = process == null ? null : process.process();
        }
        if (failed != null) {
            giveUp("cannot run " + argv.getFirst() + " again: " + failed.getMessage());
            return false;
        }
        Instant began = Instant.now();
        TcpReadiness.Outcome ready = TcpReadiness.await(socketAddress(), next, began.plus(settings.readyTimeout()));
        switch (ready) {
            case READY -> {
                synchronized (lock) {
                    if (state != State.RESTARTING) {
                        return false;
                    }
                    state = State.RUNNING;
                }
                tell(Event.RESTARTED, "pid " + next.pid() + " listens on " + member.address() + " again after "
                        + millis(began) + " ms");
            }
            case DEADLINE -> {
                // Counts as one more exit: the loop sees it end and decides whether to try again.
                ProcessTrees.Ending ending = ProcessTrees.terminate(next.toHandle(), settings.stopGrace());
                LOG.debug("{}: restarted pid {} did not listen within {}; {}", member.name(), next.pid(),
                        settings.readyTimeout(), describe(ending));
            }
            case EXITED -> {
                // The loop tells it as an exit.
            }
        }
        return true;
    }

    /**
     * Counts an exit in the restart window; the wait before the restart, or null when the
     * member has exited more than {@code maxRestarts} times in the window.
     */
    private Duration recordExit() {
        Instant now = Instant.now();
        synchronized (lock) {
            exits.addLast(now);
            while (!exits.isEmpty() && exits.peekFirst().isBefore(now.minus(settings.restartWindow()))) {
                exits.removeFirst();
            }
            if (exits.size() > settings.maxRestarts()) {
                return null;
            }
            Duration d = settings.restartBackoff();
            for (int i = 1; i < exits.size() && d.compareTo(settings.restartBackoffMax()) < 0; i++) {
                d = d.multipliedBy(2);
            }
            return d.compareTo(settings.restartBackoffMax()) > 0 ? settings.restartBackoffMax() : d;
        }
    }

    private void giveUp(String why) {
        synchronized (lock) {
            if (state == State.STOPPED) {
                return;
            }
            state = State.GAVE_UP;
        }
        tell(Event.GAVE_UP, why);
    }

    private Launched launch() throws IOException {
        ProcessBuilder b = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (settings.workingDirectory() != null) {
            b.directory(new File(settings.workingDirectory()));
        }
        b.environment().putAll(environment);
        Process p = b.start();
        Thread reader = output.drain(p.getInputStream(), LOG, member.name());
        LOG.debug("{}: started pid {}: {}", member.name(), p.pid(), argv);
        return new Launched(p, reader);
    }

    private void tell(String type, String detail) {
        LOG.info("{}: {}", member.name(), detail);
        try {
            events.accept(new Event(type, pool, member, detail));
        } catch (RuntimeException e) {
            LOG.warn("{}: the provisioner's listener failed on {}: {}", member.name(), type, e.toString());
        }
    }

    private InetSocketAddress socketAddress() {
        return new InetSocketAddress(settings.address(), port);
    }

    /**
     * The grace before SIGKILL: {@code stopGrace}, cut short by the deadline, but never under a
     * second: a process needs a moment to act on SIGTERM, and on a busy host its exit takes more
     * than 100 ms to be seen (a start given up at its deadline then SIGKILLed a process that was
     * already ending, and lost the last lines of its output).
     */
    private Duration graceUntil(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        Duration floor = Duration.ofSeconds(1);
        Duration grace = left.compareTo(settings.stopGrace()) < 0 ? left : settings.stopGrace();
        return grace.compareTo(floor) < 0 ? floor : grace;
    }

    private static String describeExit(Process p) {
        int code = p.exitValue();
        return "pid " + p.pid() + " exited with " + (code > 128 ? "signal " + (code - 128) : "status " + code);
    }

    private static String describe(ProcessTrees.Ending ending) {
        return switch (ending) {
            case NOT_RUNNING -> "it had already exited";
            case TERMINATED -> "ended on SIGTERM";
            case KILLED -> "killed with SIGKILL after the grace period";
            case STUCK -> "still running after SIGKILL";
        };
    }

    private static long millis(Instant since) {
        return Duration.between(since, Instant.now()).toMillis();
    }
}
