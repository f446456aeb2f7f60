package io.fulcrum.scale.decide;

/**
 * One reading of a pool's load in its policy's metric.
 *
 * @param value   the pool's value (NaN when there is no reading, e.g. no backend takes traffic yet)
 * @param busiest the highest value of one backend (NaN when unknown)
 * @param ready   backends that take traffic now (state up)
 */
public record LoadSample(double value, double busiest, int ready) {

    /** No reading (the first sample of a rate, or nothing to read). */
    public static LoadSample unknown(int ready) {
        return new LoadSample(Double.NaN, Double.NaN, ready);
    }

    /** Whether the pool's value was read. */
    public boolean known() {
        return !Double.isNaN(value);
    }
}
