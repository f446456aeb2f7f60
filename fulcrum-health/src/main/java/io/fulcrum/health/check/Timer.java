package io.fulcrum.health.check;

import java.time.Duration;

/** A started stopwatch with a deadline, shared by the phases of one check. */
final class Timer {

    private final long start = System.nanoTime();
    private final long deadline;

    Timer(Duration timeout) {
        this.deadline = start + timeout.toNanos();
    }

    long elapsed() {
        return System.nanoTime() - start;
    }

    /** Milliseconds left before the deadline, at least 1 (0 would mean "no timeout" to socket APIs). */
    int remainingMillis() {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left));
    }

    boolean expired() {
        return System.nanoTime() - deadline >= 0;
    }
}
