package io.fulcrum.health.check;

import io.fulcrum.core.config.health.HealthCheckConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One configured check run against one target, again and again: the health-check engine
 * that both the pools' backends and the GSLB sites' VIPs are checked with. It owns the
 * check ({@link HealthChecks}), its rise/fall verdict, the time-weighted average of its
 * total time and its latest result, and tells a {@link Listener} about every result.
 *
 * <p>Timing: the first run comes within a quarter interval (so a big pool does not check
 * every backend at once); each run schedules the next one when it finishes, {@code interval}
 * plus up to {@code jitter} later, so runs never overlap. A run takes about the check's
 * {@code timeout} at most (the check enforces it).
 *
 * <p>Threads: {@code timer} only times (a Netty event loop serves, it is a
 * {@link ScheduledExecutorService}); the check blocks on {@code workers} (virtual threads),
 * where the verdict and average are updated and the listener is called. {@link #stop} or a
 * new {@link #start} ends the running chain: a run in flight then reports nothing.
 */
public final class ScheduledCheck {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduledCheck.class);

    /** Told about each result, on a worker thread, after the verdict and average count it. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param check  the check, with its verdict and average updated
         * @param result this run's result
         * @param change what the result did to the verdict
         */
        void checked(ScheduledCheck check, CheckResult result, RiseFall.Change change);
    }

    private final HealthCheckConfig config;
    private final HealthCheck check;
    private final RiseFall verdict;
    private final TimeWeightedAverage average;
    private volatile CheckResult last;
    /** Which chain of runs is current; an older chain stops at its next step. Guarded by this. */
    private int generation;
    private ScheduledFuture<?> next;

    /**
     * @param config  the validated check configuration
     * @param average where the total times of passing runs are averaged
     */
    public ScheduledCheck(HealthCheckConfig config, TimeWeightedAverage average) {
        this.config = config;
        this.check = HealthChecks.create(config);
        this.verdict = new RiseFall(config.rise(), config.fall());
        this.average = average;
    }

    /** The check type's name, as its registry knows it. */
    public String type() {
        return config.type().name();
    }

    public HealthCheckConfig config() {
        return config;
    }

    public RiseFall verdict() {
        return verdict;
    }

    public TimeWeightedAverage average() {
        return average;
    }

    /** The latest result, null before the first run. */
    public CheckResult last() {
        return last;
    }

    /**
     * Starts (or restarts, keeping the verdict) checking {@code host}, on the configured port
     * or else {@code targetPort}.
     */
    public synchronized void start(String host, int targetPort, ScheduledExecutorService timer, Executor workers,
                                   Listener listener) {
        stop();
        int port = config.port() != null ? config.port() : targetPort;
        Chain chain = new Chain(host, port, timer, workers, listener, generation);
        chain.schedule(ThreadLocalRandom.current().nextLong(Math.max(1, config.interval().toNanos() / 4)));
    }

    /** Ends the current chain of runs: the pending one is cancelled, a running one's result dropped. */
    public synchronized void stop() {
        generation++;
        if (next != null) {
            next.cancel(false);
            next = null;
        }
    }

    private synchronized boolean current(int gen) {
        return gen == generation;
    }

    /** One chain of runs, from one {@link #start} to the next {@link #stop}. */
    private final class Chain {
        final String host;
        final int port;
        final ScheduledExecutorService timer;
        final Executor workers;
        final Listener listener;
        final int gen;

        Chain(String host, int port, ScheduledExecutorService timer, Executor workers, Listener listener, int gen) {
            this.host = host;
            this.port = port;
            this.timer = timer;
            this.workers = workers;
            this.listener = listener;
            this.gen = gen;
        }

        void schedule(long delayNanos) {
            synchronized (ScheduledCheck.this) {
                if (gen != generation) {
                    return;
                }
                try {
                    next = timer.schedule(() -> workers.execute(this::run), delayNanos, TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    // The owner shut its threads down: no more runs.
                }
            }
        }

        /** On a worker: the check blocks here, never on the timer. */
        void run() {
            if (!current(gen)) {
                return;
            }
            try {
                CheckResult r;
                try {
                    r = check.run(host, port);
                } catch (RuntimeException e) {
                    LOG.warn("{} check of {}:{} failed unexpectedly: {}", type(), host, port, e.toString());
                    r = CheckResult.failed("check failed: " + e, 0);
                }
                if (!current(gen)) {
                    return; // stopped while it ran: nobody wants this result
                }
                last = r;
                if (r.ok()) {
                    average.add(r.totalNanos(), System.nanoTime());
                }
                RiseFall.Change change = verdict.record(r.ok());
                listener.checked(ScheduledCheck.this, r, change);
            } catch (RuntimeException e) {
                LOG.warn("handling the {} check result of {}:{} failed: {}", type(), host, port, e.toString(), e);
            } finally {
                long jitter = config.jitter().toNanos();
                schedule(config.interval().toNanos() + (jitter > 0 ? ThreadLocalRandom.current().nextLong(jitter) : 0));
            }
        }
    }
}
