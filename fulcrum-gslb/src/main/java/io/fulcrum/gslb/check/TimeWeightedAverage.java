package io.fulcrum.gslb.check;

/**
 * An average of response times in which a sample's weight halves every {@code halfLife}:
 * {@code avg += (1 - 2^(-Δt / halfLife)) × (sample - avg)}, with {@code Δt} the time since
 * the previous sample. Unlike a per-sample EWMA, the memory is measured in time, so a VIP
 * checked twice as often does not forget twice as fast. Thread-safe.
 */
public final class TimeWeightedAverage {

    private final double halfLifeNanos;
    private double value = Double.NaN;
    private long lastNanos;

    public TimeWeightedAverage(long halfLifeNanos) {
        if (halfLifeNanos <= 0) {
            throw new IllegalArgumentException("half-life must be positive");
        }
        this.halfLifeNanos = halfLifeNanos;
    }

    /** Adds a sample taken at {@code nowNanos}. */
    public synchronized void add(double sample, long nowNanos) {
        if (Double.isNaN(value)) {
            value = sample;
        } else {
            double dt = Math.max(0, nowNanos - lastNanos);
            double alpha = 1 - Math.pow(2, -dt / halfLifeNanos);
            value += alpha * (sample - value);
        }
        lastNanos = nowNanos;
    }

    /** The average, or NaN before the first sample. */
    public synchronized double value() {
        return value;
    }
}
