package io.fulcrum.health.check;

/**
 * An average whose memory is a time span, not a sample count: each sample pulls the
 * average towards itself by {@code 1 - exp(-dt / tau)}, where dt is the time since
 * the previous sample. Checks that run rarely therefore weigh more each (requirements 2.5
 * item 3, "time-weighted average response time"). Thread-safe.
 */
public final class TimeWeightedAverage {

    private final double tauNanos;
    private double value = -1;
    private long lastNanos;

    /** @param tauNanos the time constant: samples older than a few tau hardly count */
    public TimeWeightedAverage(long tauNanos) {
        this.tauNanos = Math.max(1, tauNanos);
    }

    /**
     * An average in which a sample's weight halves every {@code halfLife} (the time constant
     * is {@code halfLife / ln 2}): how a GSLB site check's response time is averaged
     * ({@code gslb.checks.halfLife}).
     */
    public static TimeWeightedAverage withHalfLife(java.time.Duration halfLife) {
        return new TimeWeightedAverage(Math.round(halfLife.toNanos() / Math.log(2)));
    }

    public synchronized void add(long sample, long nowNanos) {
        if (value < 0) {
            value = sample;
        } else {
            double alpha = 1 - Math.exp(-(nowNanos - lastNanos) / tauNanos);
            value += alpha * (sample - value);
        }
        lastNanos = nowNanos;
    }

    /** The average, or -1 before the first sample. */
    public synchronized long get() {
        return value < 0 ? -1 : Math.round(value);
    }
}
